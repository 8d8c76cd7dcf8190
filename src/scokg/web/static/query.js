// Progressive enhancement: when YASGUI loaded from its CDN, it replaces the plain form and runs the examples;
// otherwise the form and the example links, which work without scripts, stay as they are.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof window.Yasgui === "undefined") return;
  var holder = document.getElementById("yasgui");
  var form = document.getElementById("query-form");
  var text = document.getElementById("query");
  var yasgui;
  try {
    yasgui = new window.Yasgui(holder, {
      requestConfig: { endpoint: holder.dataset.endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
    });
    yasgui.getTab().setQuery(text.value);
    form.hidden = true;
  } catch (e) {
    holder.hidden = true;
    return;
  }
  document.querySelectorAll("a.example[data-query]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return; // opening in a new tab keeps the plain link
      event.preventDefault();
      var tab = yasgui.getTab();
      tab.setQuery(link.dataset.query);
      tab.query();
      history.replaceState(null, "", link.href);
    });
  });
});
