// Maps drawn here, with no tile server: Leaflet (static/vendor/leaflet/) over Natural Earth's country outlines
// (static/vendor/world-atlas/), the points read from a list's data-lat/data-long items, which stay readable (and
// linked) without scripts. A map in a hidden tab is drawn when the tab is shown (query.js calls drawIn).
// Labels never cover a marker: each place's label goes to the first side (right, left, above, below) where it covers
// no marker and no other label; country names (in the page's language) are shown only where they fit. A button
// brings back the first view.
(function () {
  "use strict";
  var worlds = {};
  var SIDES = [["right", [9, 0]], ["left", [-9, 0]], ["top", [0, -9]], ["bottom", [0, 9]]];

  function world(url) {
    if (!worlds[url]) {
      worlds[url] = fetch(url).then(function (r) { return r.json(); }).catch(function () { return null; });
    }
    return worlds[url];
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function boxOf(node) {
    var r = node.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  }

  // place each permanent label on the first side where it covers no marker and no label placed before it
  function placeLabels(markers) {
    var taken = markers.map(function (m) { return boxOf(m.getElement()); });
    markers.forEach(function (marker) {
      var tooltip = marker.getTooltip();
      if (!tooltip || !tooltip.getElement()) return;
      var chosen = null;
      for (var i = 0; i < SIDES.length && !chosen; i += 1) {
        tooltip.options.direction = SIDES[i][0];
        tooltip.options.offset = SIDES[i][1];
        tooltip.update();
        var box = boxOf(tooltip.getElement());
        if (!taken.some(function (t) { return overlaps(box, t); })) chosen = box;
      }
      if (!chosen) {  // no side is free: the first one, as Leaflet would
        tooltip.options.direction = SIDES[0][0];
        tooltip.options.offset = SIDES[0][1];
        tooltip.update();
        chosen = boxOf(tooltip.getElement());
      }
      taken.push(chosen);
    });
    return taken;
  }

  // the centre of a country's largest ring's bounding box: where its name goes
  function anchorOf(feature) {
    var polys = feature.geometry.type === "Polygon" ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    var best = null;
    polys.forEach(function (poly) {
      var ring = poly[0];
      var xs = ring.map(function (p) { return p[0]; });
      var ys = ring.map(function (p) { return p[1]; });
      var box = [Math.min.apply(null, xs), Math.min.apply(null, ys), Math.max.apply(null, xs), Math.max.apply(null, ys)];
      var area = (box[2] - box[0]) * (box[3] - box[1]);
      if (!best || area > best.area) best = { area: area, lat: (box[1] + box[3]) / 2, long: (box[0] + box[2]) / 2 };
    });
    return best;
  }

  function showCountries(map, names, taken) {
    var bounds = map.getBounds();
    var shown = taken.slice();
    names.forEach(function (entry) {
      var node = entry.marker.getElement();
      if (!node) return;
      // visibility, not [hidden]: Leaflet's stylesheet shows its icons whatever their hidden attribute says
      node.style.visibility = "";
      if (!bounds.contains(entry.marker.getLatLng())) { node.style.visibility = "hidden"; return; }
      var box = boxOf(node.firstChild || node);
      var inside = boxOf(map.getContainer());
      if (box.left < inside.left || box.right > inside.right || box.top < inside.top || box.bottom > inside.bottom ||
          shown.some(function (t) { return overlaps(box, t); })) {
        node.style.visibility = "hidden";
      } else {
        shown.push(box);
      }
    });
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
    var lang = document.documentElement.lang;
    var map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.5, worldCopyJump: true });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Natural Earth");
    var few = points.length <= 8;
    var markers = points.map(function (p) {
      var marker = L.circleMarker([p.lat, p.long], { radius: 7, color: "#063b70", weight: 2, fillColor: "#0b5cad",
                                                      fillOpacity: 0.9 }).addTo(map);
      // Leaflet takes a string as HTML: names from the data go in as text nodes only
      var content = document.createElement(p.href ? "a" : "span");
      content.textContent = p.label;
      if (p.href) content.href = p.href;
      var tip = document.createElement("span");
      tip.textContent = p.label;
      marker.bindTooltip(tip, { permanent: few, direction: "right", offset: [9, 0], className: "place-label" });
      marker.bindPopup(content);
      return marker;
    });
    function firstView() {
      if (points.length === 1) {
        map.setView([points[0].lat, points[0].long], Number(list.dataset.zoom || 5));
      } else {
        map.fitBounds(points.map(function (p) { return [p.lat, p.long]; }), { padding: [40, 40], maxZoom: 5 });
      }
    }
    firstView();
    var countries = [];
    function arrange() {
      var taken = few ? placeLabels(markers) : markers.map(function (m) { return boxOf(m.getElement()); });
      showCountries(map, countries, taken);
    }
    world(list.dataset.world).then(function (geo) {
      if (!geo) return;
      L.geoJSON(geo, { interactive: false, style: { color: "#7d8790", weight: 1, fillColor: "#f4f1e8", fillOpacity: 1 } })
        .addTo(map).bringToBack();
      geo.features.forEach(function (f) {
        var at = anchorOf(f);
        if (!at) return;
        var name = document.createElement("span");
        name.textContent = (lang === "de" && f.properties.name_de) || f.properties.name;
        var icon = L.divIcon({ className: "country-label", html: name, iconSize: null });
        countries.push({ marker: L.marker([at.lat, at.long], { icon: icon, interactive: false, keyboard: false })
          .addTo(map) });
      });
      arrange();
    });
    map.on("zoomend moveend", arrange);
    arrange();
    // back to the first view after zooming or panning
    var Reset = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var button = L.DomUtil.create("button", "map-reset");
        button.type = "button";
        button.textContent = list.dataset.reset || "Reset view";
        L.DomEvent.disableClickPropagation(button);
        L.DomEvent.on(button, "click", firstView);
        return button;
      },
    });
    new Reset().addTo(map);
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
