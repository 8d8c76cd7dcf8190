// Maps drawn here, with no tile server: Leaflet (static/vendor/leaflet/) over Natural Earth's country outlines
// (static/vendor/world-atlas/), the points read from a list's data-lat/data-long items, which stay readable (and
// linked) without scripts. A map in a hidden tab is drawn when the tab is shown (query.js calls drawIn).
(function () {
  "use strict";
  var worlds = {};

  function world(url) {
    if (!worlds[url]) {
      worlds[url] = fetch(url).then(function (r) { return r.json(); }).catch(function () { return null; });
    }
    return worlds[url];
  }

  function draw(el, list) {
    if (!el || !list || el.dataset.drawn || typeof window.L === "undefined" || el.offsetParent === null) return;
    var points = Array.prototype.slice.call(list.querySelectorAll("li[data-lat]")).map(function (item) {
      var link = item.querySelector("a");
      return { lat: parseFloat(item.dataset.lat), long: parseFloat(item.dataset.long),
               label: (link || item).firstChild.textContent.trim(), href: link ? link.getAttribute("href") : null };
    }).filter(function (p) { return !isNaN(p.lat) && !isNaN(p.long); });
    if (!points.length) return;
    el.dataset.drawn = "1";
    el.classList.add("live");
    var L = window.L;
    var map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.5, worldCopyJump: true });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Natural Earth");
    world(list.dataset.world).then(function (geo) {
      if (geo) {
        L.geoJSON(geo, { interactive: false, style: { color: "#7d8790", weight: 1, fillColor: "#f4f1e8", fillOpacity: 1 } })
          .addTo(map).bringToBack();
      }
    });
    var few = points.length <= 8;
    points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.long], { radius: 7, color: "#063b70", weight: 2, fillColor: "#0b5cad",
                                                      fillOpacity: 0.9 }).addTo(map);
      // Leaflet takes a string as HTML: names from the data go in as text nodes only
      var content = document.createElement(p.href ? "a" : "span");
      content.textContent = p.label;
      if (p.href) content.href = p.href;
      var tip = document.createElement("span");
      tip.textContent = p.label;
      marker.bindTooltip(tip, { permanent: few, direction: "right", offset: [8, 0] });
      marker.bindPopup(content);
    });
    if (points.length === 1) {
      map.setView([points[0].lat, points[0].long], Number(list.dataset.zoom || 5));
    } else {
      map.fitBounds(points.map(function (p) { return [p.lat, p.long]; }), { padding: [40, 40], maxZoom: 5 });
    }
  }

  function drawIn(root) {
    root.querySelectorAll(".map").forEach(function (el) {
      var list = el.parentNode.querySelector(".map-points") || document.querySelector(".map-points");
      draw(el, list);
    });
  }

  window.ScokgMap = { drawIn: drawIn };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawIn(document); });
  } else {
    drawIn(document);
  }
}());
