// The query page, enhanced: the CodeMirror editor (an ES module, static/vendor/modules/editor.js, imported here and
// nowhere else) replaces the textarea, completing prefixes, the ontology's terms and the graph's things (names from
// /query/terms.json) and marking a syntax error where the server found it; a query is sent by POST when its GET URL
// would be too long; the queries run are kept in this browser's history; the share link can be copied; the examples
// can be searched; result views become tabs, the chart and the graph drawn by their modules when first shown.
// Without scripts the form, the links and the table, map and timeline views work as they are.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query");
  var modules = form ? form.dataset.modules : null;
  var editor = null;
  var HISTORY_KEY = "scokg.queryHistory";
  var HISTORY_SIZE = 20;

  function load(name) { return import(modules + name + ".js"); }

  function syntaxError() {
    var box = document.querySelector(".error-box[data-line]");
    return box ? { line: Number(box.dataset.line), column: Number(box.dataset.column), message: box.dataset.message }
      : null;
  }

  function startEditor(vocabulary) {
    if (!form || !textarea || editor) return;
    editor = "loading";
    load("editor").then(function (module) {
      editor = module.create(textarea, {
        vocabulary: vocabulary,
        label: document.getElementById("query-label").textContent,
        describedBy: "query-help",
        error: syntaxError(),
        onRun: function () { if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); } },
      });
      form.classList.add("has-editor");
    }, function () { editor = null; });
  }

  // -- history, in localStorage: the last queries run from this page, newest first
  function readHistory() {
    try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]"); } catch (e) { return []; }
  }

  function remember(query) {
    var items = readHistory().filter(function (item) { return item.query !== query; });
    items.unshift({ query: query, at: new Date().toISOString() });
    try { localStorage.setItem(HISTORY_KEY, JSON.stringify(items.slice(0, HISTORY_SIZE))); } catch (e) { /* full */ }
  }

  function showHistory() {
    var section = document.getElementById("history");
    var list = document.getElementById("history-list");
    if (!section || !list) return;
    var items = readHistory();
    list.replaceChildren();
    items.forEach(function (item) {
      var li = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = item.query.replace(/\s+/g, " ").slice(0, 140);
      var when = document.createElement("time");
      when.dateTime = item.at;
      when.textContent = new Date(item.at).toLocaleString(document.documentElement.lang);
      var run = document.createElement("a");
      run.href = form.action + "?" + new URLSearchParams({ query: item.query }).toString();
      run.textContent = list.dataset.run;
      var edit = document.createElement("button");
      edit.type = "button";
      edit.textContent = list.dataset.edit;
      edit.addEventListener("click", function () {
        if (editor && editor.setValue) { editor.setValue(item.query); editor.focus(); } else { textarea.value = item.query; }
      });
      li.append(code, " ", when, " ", run, " ", edit);
      list.appendChild(li);
    });
    section.hidden = items.length === 0;
  }

  if (form && textarea) {
    var ready = false;
    var fallback = setTimeout(function () { ready = true; startEditor({ prefixes: {}, terms: [] }); }, 1500);
    fetch(form.dataset.terms, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { prefixes: {}, terms: [] }; })
      .catch(function () { return { prefixes: {}, terms: [] }; })
      .then(function (vocabulary) { clearTimeout(fallback); if (!ready) startEditor(vocabulary); });

    form.addEventListener("submit", function () {
      if (editor && editor.addMissingPrefixes) editor.addMissingPrefixes();
      remember(textarea.value);
      var format = document.getElementById("output-format");
      if (format && !format.value) format.disabled = true;  // "this page": no format= in the URL
      var data = new URLSearchParams(new FormData(form)).toString();
      if (format) setTimeout(function () { format.disabled = false; }, 0);
      var url = new URL(form.action, location.href).href + "?" + data;
      // proxies cut long GET URLs: such a query goes by POST, and the page offers a short link to share it
      form.method = url.length > Number(form.dataset.longGet || 2000) ? "post" : "get";
    });
    // a page that shows an answer was run from here (or from a link): it belongs in the history too
    if (document.getElementById("results")) remember(textarea.value);
    showHistory();
    var clear = document.getElementById("history-clear");
    if (clear) clear.addEventListener("click", function () { localStorage.removeItem(HISTORY_KEY); showHistory(); });
  }

  // copy the share link
  var copy = document.getElementById("copy-share");
  var share = document.getElementById("share-link");
  if (copy && share) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var status = document.getElementById("copy-status");
      var done = function () { status.textContent = copy.dataset.done; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(share.href).then(done, function () { status.textContent = share.href; });
      } else {
        var field = document.createElement("textarea");
        field.value = share.href;
        document.body.appendChild(field);
        field.select();
        try { document.execCommand("copy"); done(); } catch (e) { status.textContent = share.href; }
        field.remove();
      }
    });
  }

  // searchable examples
  var filter = document.getElementById("example-filter");
  var list = document.getElementById("example-list");
  var count = document.getElementById("example-count");
  if (filter && list) {
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      list.querySelectorAll("li").forEach(function (item) {
        var text = item.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) >= 0; });
        item.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = words.length ? shown + " / " + list.children.length : "";
    });
  }

  // the chart and the graph: drawn by their modules when their panel is first shown
  function drawViews(panel) {
    var chart = panel.querySelector(".chart[data-chart]");
    if (chart && !chart.dataset.drawn) {
      chart.dataset.drawn = "1";
      load("chart").then(function (module) {
        var data = JSON.parse(chart.dataset.chart);
        var buttons = chart.querySelectorAll("button[data-kind]");
        var redraw = module.draw(chart.querySelector("canvas"), data, data.kind);
        buttons.forEach(function (button) {
          button.addEventListener("click", function () {
            buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
            redraw(button.dataset.kind);
          });
        });
      });
    }
    var graph = panel.querySelector(".graph-view[data-graph]");
    if (graph && !graph.dataset.drawn) {
      graph.dataset.drawn = "1";
      load("graph").then(function (module) { module.draw(graph, JSON.parse(graph.dataset.graph), graph.dataset.label); });
    }
  }

  // result views as tabs
  var views = document.getElementById("result-views");
  if (views && views.children.length > 1) {
    var panels = Array.prototype.slice.call(views.querySelectorAll(":scope > .result-view"));
    var tablist = document.createElement("div");
    tablist.setAttribute("role", "tablist");
    tablist.className = "tabs";
    var tabs = panels.map(function (panel, i) {
      var heading = panel.querySelector("h3");
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = panel.id + "-tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.textContent = heading.textContent;
      heading.classList.add("visually-hidden");
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      tab.addEventListener("click", function () { select(i); });
      tab.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (step) { event.preventDefault(); select((i + step + panels.length) % panels.length, true); }
      });
      tablist.appendChild(tab);
      return tab;
    });
    function select(index, focus) {
      panels.forEach(function (panel, i) {
        var on = i === index;
        panel.hidden = !on;
        tabs[i].setAttribute("aria-selected", on ? "true" : "false");
        tabs[i].tabIndex = on ? 0 : -1;
        if (on && focus) tabs[i].focus();
        if (on && window.ScokgMap) window.ScokgMap.drawIn(panel);
        if (on) drawViews(panel);
      });
    }
    views.insertBefore(tablist, panels[0]);
    select(0);
  } else if (views) {
    drawViews(views);
  }
}());
