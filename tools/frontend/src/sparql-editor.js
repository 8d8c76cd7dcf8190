// The query page's SPARQL editor: CodeMirror 6 with the SPARQL mode of @codemirror/legacy-modes, completion of
// keywords, prefixes, the graph's terms (shown with their labels) and the query's variables, PREFIX lines added
// when a known prefix is used, and the server's syntax error marked where it points (@codemirror/lint). Built by
// ../build.mjs into static/vendor/modules/editor.js, an ES module that static/query.js imports on the query page
// only; nothing is fetched from anywhere but the page's own server.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { bracketMatching, HighlightStyle, indentOnInput, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { EditorState } from "@codemirror/state";
import {
  drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, placeholder,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { StyleModule } from "style-mod";

// The page's Content-Security-Policy allows no inline style, so CodeMirror's generated rules cannot go into a <style>
// element (style-mod's way in a document); they go into a constructed stylesheet adopted by the document, as
// style-mod itself does in a shadow root. Later modules in a mount call win, as with style-mod.
const mounted = new WeakMap();
StyleModule.mount = function (root, modules) {
  const target = root.adoptedStyleSheets ? root : root.ownerDocument;
  let entry = mounted.get(target);
  if (!entry) {
    entry = { sheet: new CSSStyleSheet(), modules: [] };
    mounted.set(target, entry);
    target.adoptedStyleSheets = [entry.sheet, ...target.adoptedStyleSheets];
  }
  let changed = false;
  let after = -1;
  for (const module of Array.isArray(modules) ? modules : [modules]) {
    const at = entry.modules.indexOf(module);
    if (at < 0) {
      entry.modules.splice(after + 1, 0, module);
      after += 1;
      changed = true;
    } else {
      after = Math.max(after, at);
    }
  }
  if (changed) entry.sheet.replaceSync(entry.modules.map((m) => m.getRules()).join("\n"));
};

const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "BIND",
  "VALUES", "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE",
  "FROM", "FROM NAMED", "AS", "COUNT", "SAMPLE", "GROUP_CONCAT", "LANG", "LANGMATCHES", "STR", "CONTAINS",
  "STRSTARTS", "REGEX", "LCASE", "UCASE", "YEAR", "BOUND", "COALESCE", "IF", "EXISTS", "NOT EXISTS", "DESC", "ASC"];

// Colours chosen for at least 4.5:1 contrast on white (WCAG AA).
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: "#6f1d9b", fontWeight: "600" },
  { tag: [tags.variableName, tags.local(tags.variableName)], color: "#0b4f8a" },
  { tag: tags.atom, color: "#1b6330" },
  { tag: tags.string, color: "#9c330b" },
  { tag: tags.comment, color: "#555d66", fontStyle: "italic" },
  { tag: [tags.standard(tags.variableName), tags.meta], color: "#7a4300" },
  { tag: tags.operator, color: "#333a40" },
]);

const theme = EditorView.theme({
  "&": { border: "1px solid #8a949c", borderRadius: "4px", backgroundColor: "#fff", fontSize: "0.95rem" },
  "&.cm-focused": { outline: "2px solid #0b5cad", outlineOffset: "1px" },
  ".cm-content": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", minHeight: "12rem" },
  // the editor grows with its query (lines wrap): no scrolling region inside the page
  ".cm-gutters": { backgroundColor: "#f3f5f7", color: "#4d565e", borderRight: "1px solid #d6dbe0" },
  ".cm-activeLine": { backgroundColor: "#f2f7fd" },
  ".cm-activeLineGutter": { backgroundColor: "#e3edf8", color: "#1d2329" },
  ".cm-placeholder": { color: "#5c656d" },
  ".cm-tooltip-autocomplete ul li[aria-selected]": { backgroundColor: "#0b5cad", color: "#fff" },
  ".cm-completionDetail": { color: "inherit", opacity: "1", fontStyle: "normal", marginLeft: "0.6em" },
  ".cm-tooltip.cm-completionInfo": { maxWidth: "24rem" },
  ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy #b3261e", backgroundColor: "#fde7e4" },
  ".cm-diagnostic-error": { borderLeftColor: "#b3261e" },
  // the lint package draws its marks with data: images, which the page's CSP (img-src 'self') refuses
  ".cm-lint-marker-error": { content: "normal", width: "0.8em", height: "0.8em", borderRadius: "50%",
    backgroundColor: "#b3261e", margin: "0.3em auto 0" },
});

function declaredPrefixes(text) {
  const out = new Set();
  for (const m of text.matchAll(/^\s*PREFIX\s+([A-Za-z][\w.-]*|):/gim)) out.add(m[1]);
  return out;
}

// Prefixed names used outside IRIs, strings and comments.
function usedPrefixes(text) {
  const code = text.replace(/#[^\n]*/g, " ").replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""')
    .replace(/<[^<>"{}|^`\\\s]*>/g, "<>");
  const out = new Set();
  for (const m of code.matchAll(/(^|[\s({\[,;/|^!=])([A-Za-z][\w.-]*|):(?=[\w%\\]|[\s)};,.]|$)/g)) out.add(m[2]);
  return out;
}

/** PREFIX lines for known prefixes the query uses but does not declare. */
export function missingPrefixLines(text, prefixes) {
  const declared = declaredPrefixes(text);
  return [...usedPrefixes(text)].filter((p) => !declared.has(p) && prefixes[p])
    .map((p) => `PREFIX ${p}: <${prefixes[p]}>`);
}

/** The query with the PREFIX lines it lacks added after its prologue. */
export function withPrefixes(text, prefixes) {
  const lines = missingPrefixLines(text, prefixes);
  if (!lines.length) return text;
  return lines.join("\n") + "\n" + text;
}

function prefixInsertion(state, prefix, prefixes) {
  const text = state.doc.toString();
  if (!prefixes[prefix] || declaredPrefixes(text).has(prefix)) return null;
  // after the last PREFIX/BASE line, else at the top
  let at = 0;
  for (const m of text.matchAll(/^\s*(?:PREFIX|BASE)\b[^\n]*\n?/gim)) at = m.index + m[0].length;
  const line = `PREFIX ${prefix}: <${prefixes[prefix]}>\n`;
  return { from: at, insert: at > 0 && text[at - 1] !== "\n" ? "\n" + line : line };
}

function termCompletions(vocabulary) {
  const prefixes = vocabulary.prefixes || {};
  const terms = vocabulary.terms || [];
  const apply = (curie) => (view, completion, from, to) => {
    const prefix = curie.split(":")[0];
    const changes = [{ from, to, insert: curie }];
    const extra = prefixInsertion(view.state, prefix, prefixes);
    if (extra) changes.push(extra);
    view.dispatch({ changes, selection: { anchor: from + curie.length + (extra && extra.from <= from ? extra.insert.length : 0) } });
  };
  return (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    // PREFIX declarations
    const decl = /\bPREFIX\s+([\w-]*)$/i.exec(before);
    if (decl) {
      return {
        from: context.pos - decl[1].length,
        options: Object.entries(prefixes).map(([p, ns]) => ({ label: `${p}: <${ns}>`, type: "namespace" })),
      };
    }
    // variables already in the query
    const variable = /[?$][\w]*$/.exec(before);
    if (variable) {
      const names = new Set(context.state.doc.toString().match(/[?$][A-Za-z_]\w*/g) || []);
      names.delete(variable[0]);
      return { from: context.pos - variable[0].length, options: [...names].map((v) => ({ label: v, type: "variable" })) };
    }
    // prefixed names: the graph's classes, properties and things, with their labels
    const prefixed = /([A-Za-z][\w-]*):([\w-]*)$/.exec(before);
    if (prefixed) {
      const options = terms.filter((t) => t.curie.startsWith(prefixed[1] + ":")).map((t) => ({
        label: t.curie, detail: t.label, info: t.kind, type: t.type || "constant", apply: apply(t.curie),
      }));
      return { from: context.pos - prefixed[0].length, options, validFor: /^[\w:-]*$/ };
    }
    // a bare word: keywords, prefixes, and things by their label
    const word = context.matchBefore(/[\p{L}\d_-]+/u);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const typed = word.text.toLowerCase();
    const options = KEYWORDS.map((k) => ({ label: k, type: "keyword", boost: -1 }));
    for (const [p, ns] of Object.entries(prefixes)) options.push({ label: p + ":", detail: ns, type: "namespace" });
    if (typed.length >= 2) {
      for (const t of terms) {
        if (t.label && t.label.toLowerCase().includes(typed)) {
          options.push({ label: t.label, detail: t.curie, info: t.kind, type: t.type || "constant", apply: apply(t.curie), boost: -2 });
        }
      }
    }
    return { from: word.from, options };
  };
}

/** Mark a syntax error at its line and column (1-based): the character there, or the line's end. */
export function markError(view, error) {
  const doc = view.state.doc;
  const line = doc.line(Math.min(Math.max(1, error.line), doc.lines));
  const from = Math.min(line.from + Math.max(1, error.column) - 1, line.to);
  const to = from < line.to ? from + 1 : from;
  view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message: error.message }]));
}

/**
 * Replace a textarea by the editor; the textarea stays the form's field (kept in sync), so the form posts as before.
 * options: { vocabulary: {prefixes, terms}, label: accessible name, describedBy: id of help text, placeholder,
 *            onRun: () => void, error: {line, column, message} (the server's reading: marked in the text) }
 */
export function create(textarea, options = {}) {
  const vocabulary = options.vocabulary || { prefixes: {}, terms: [] };
  const run = () => { if (options.onRun) options.onRun(); return true; };
  const contentAttributes = { "aria-label": options.label || "SPARQL" };
  if (options.describedBy) contentAttributes["aria-describedby"] = options.describedBy;
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(), lintGutter(), highlightActiveLineGutter(), history(), drawSelection(), indentOnInput(),
        bracketMatching(), closeBrackets(), highlightActiveLine(), highlightSelectionMatches(),
        StreamLanguage.define(sparql), syntaxHighlighting(highlight), theme,
        autocompletion({ override: [termCompletions(vocabulary)], activateOnTyping: true, maxRenderedOptions: 60 }),
        placeholder(options.placeholder || ""),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of(contentAttributes),
        EditorView.updateListener.of((update) => { if (update.docChanged) textarea.value = update.state.doc.toString(); }),
        keymap.of([
          { key: "Mod-Enter", run }, { key: "Shift-Enter", run },
          ...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap,
        ]),
      ],
    }),
  });
  textarea.insertAdjacentElement("afterend", view.dom);
  textarea.hidden = true;
  if (options.error) markError(view, options.error);
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    focus: () => view.focus(),
    addMissingPrefixes: () => {
      const text = view.state.doc.toString();
      const lines = missingPrefixLines(text, vocabulary.prefixes || {});
      if (lines.length) view.dispatch({ changes: { from: 0, insert: lines.join("\n") + "\n" } });
      textarea.value = view.state.doc.toString();
      return lines;
    },
  };
}
