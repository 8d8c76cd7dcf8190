// Progressive enhancement: when YASGUI loaded from its CDN, it replaces the plain form; otherwise the form,
// which works without scripts, stays.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof window.Yasgui === "undefined") return;
  var holder = document.getElementById("yasgui");
  var form = document.getElementById("query-form");
  var text = document.getElementById("query");
  try {
    var yasgui = new window.Yasgui(holder, {
      requestConfig: { endpoint: holder.dataset.endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
    });
    yasgui.getTab().setQuery(text.value);
    form.hidden = true;
  } catch (e) {
    holder.hidden = true;
  }
});
