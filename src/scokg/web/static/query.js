// The query page, enhanced: the CodeMirror editor (static/vendor/codemirror/sparql-editor.js) replaces the textarea,
// completing prefixes, the ontology's terms and the graph's things (names from /query/terms.json); a query is sent
// by POST when its GET URL would be too long; the examples can be searched; result views become tabs. Without
// scripts the form, the links and every result view work as they are.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query");
  var editor = null;

  function startEditor(vocabulary) {
    if (!form || !textarea || typeof window.ScokgEditor === "undefined" || editor) return;
    editor = window.ScokgEditor.create(textarea, {
      vocabulary: vocabulary,
      label: document.getElementById("query-label").textContent,
      describedBy: "query-help",
      onRun: function () { if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); } },
    });
    form.classList.add("has-editor");
  }

  if (form && textarea) {
    var ready = false;
    var fallback = setTimeout(function () { ready = true; startEditor({ prefixes: {}, terms: [] }); }, 1500);
    fetch(form.dataset.terms, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { prefixes: {}, terms: [] }; })
      .catch(function () { return { prefixes: {}, terms: [] }; })
      .then(function (vocabulary) { clearTimeout(fallback); if (!ready) startEditor(vocabulary); });

    form.addEventListener("submit", function () {
      if (editor) editor.addMissingPrefixes();
      var data = new URLSearchParams(new FormData(form)).toString();
      var url = new URL(form.action, location.href).href + "?" + data;
      // proxies cut long GET URLs: such a query goes by POST, and the page offers a short link to share it
      form.method = url.length > Number(form.dataset.longGet || 2000) ? "post" : "get";
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
      });
    }
    views.insertBefore(tablist, panels[0]);
    select(0);
  }
}());
