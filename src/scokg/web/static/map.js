// Progressive enhancement: draw a small map when Leaflet loaded; the coordinates stay readable without it.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("map");
    if (!el || typeof window.L === "undefined") { return; }
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.long);
    if (isNaN(lat) || isNaN(lon)) { return; }
    el.classList.add("live");
    var map = window.L.map(el).setView([lat, lon], 10);
    window.L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 18, attribution: "&copy; OpenStreetMap contributors"
    }).addTo(map);
    window.L.marker([lat, lon]).addTo(map).bindPopup(document.createTextNode(el.dataset.label || "").textContent);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
}());
