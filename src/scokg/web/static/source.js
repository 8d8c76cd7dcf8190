// Marks the words a link points at: /sources/<file>#char=<start>,<end> (RFC 5147, characters of the text counted
// from 0). The fragment never reaches the server, so the range is found here, in Unicode code points as the graph
// counts them (a JavaScript string counts UTF-16 units), marked, and scrolled to.
(function () {
  "use strict";
  var text = document.getElementById("source-text");
  if (!text) return;
  var original = text.textContent;

  function unitsOf(points) {  // code point offset → UTF-16 offset
    var units = 0;
    var seen = 0;
    for (var ch of original) {
      if (seen === points) break;
      units += ch.length;
      seen += 1;
    }
    return seen === points ? units : -1;
  }

  function mark() {
    var m = /^#char=(\d+),(\d+)$/.exec(location.hash);
    if (!m) return;
    var start = unitsOf(Number(m[1]));
    var end = unitsOf(Number(m[2]));
    if (start < 0 || end < start) return;
    text.textContent = "";
    var marked = document.createElement("mark");
    marked.id = "quoted";
    marked.tabIndex = -1;
    marked.textContent = original.slice(start, end);
    text.append(original.slice(0, start), marked, original.slice(end));
    marked.scrollIntoView({ block: "center" });
    marked.focus({ preventScroll: true });
  }

  window.addEventListener("hashchange", mark);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mark); } else { mark(); }
}());
