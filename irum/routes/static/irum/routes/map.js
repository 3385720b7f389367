/* Irum transfer-route map. Draws the GeoJSON the page embeds (#map-data) on the Natural
 * Earth countries the app serves, with Leaflet from the XStatic-Leaflet wheel. No request
 * leaves the site unless an administrator set a tile URL. Every text shown comes from
 * the data through textContent, never innerHTML, so a place name cannot become markup.
 * The tables under the map hold the same information for screen readers and print. */
(function () {
  "use strict";
  var element = document.getElementById("irum-map");
  if (!element || typeof L === "undefined") { return; }
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var words = JSON.parse(document.getElementById("map-labels").textContent);
  var isKorean = (document.documentElement.lang || "").indexOf("ko") === 0;

  var map = L.map(element, { preferCanvas: true, zoomSnap: 0.25, worldCopyJump: false });
  map.createPane("basemap").style.zIndex = 200;
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth");
  var lines = L.canvas({ padding: 0.2 });

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }
  function localName(props, prefix) {
    var en = props[prefix + "name"], ko = props[prefix + "name_ko"];
    return isKorean && ko ? ko : en;
  }
  function latLng(position) { return L.latLng(position[1], position[0]); }

  var places = [], flows = [], legs = [];
  data.features.forEach(function (feature) {
    var type = feature.properties.feature_type;
    if (type === "place") { places.push(feature); }
    else if (type === "flow") { flows.push(feature); }
    else if (type === "leg") { legs.push(feature); }
  });

  function placePopup(props) {
    var box = el("div", null, "place-popup");
    var title = el("h3", props.name);
    if (props.name_ko) {
      var ko = el("span", " " + props.name_ko);
      ko.lang = "ko";
      title.appendChild(ko);
    }
    box.appendChild(title);
    if (props.names && props.names.length) {
      box.appendChild(el("p", words.also_known_as + ": " + props.names.join("; ")));
    }
    box.appendChild(el("p", words.kind + ": " + (words.place_kinds[props.kind] || props.kind)));
    box.appendChild(el("p", words.persons_through + ": " +
      (props.persons === null ? words.suppressed : props.persons), "persons"));
    if (props.approximate) { box.appendChild(el("p", words.approximate, "note")); }
    if (props.source) { box.appendChild(el("p", words.source + ": " + props.source, "source")); }
    return box;
  }

  // The view first: Leaflet draws a marker only once the map has one.
  var bounds = L.latLngBounds([]);
  data.features.forEach(function (feature) {
    var g = feature.geometry;
    if (!g) { return; }
    (g.type === "Point" ? [g.coordinates] : g.coordinates).forEach(function (position) {
      bounds.extend(latLng(position));
    });
  });
  function fit() {
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.15), { maxZoom: 9, animate: false });
    } else {
      map.setView([40.3, 127.5], 6, { animate: false });
    }
  }
  fit();
  // The page may still be laying out (the admin's sidebar, a phone turned sideways):
  // follow the container's size, and refit until the reader moves the map herself.
  var touched = false;
  ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (name) {
    element.addEventListener(name, function () { touched = true; }, { passive: true });
  });
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(function () {
      map.invalidateSize(false);
      if (!touched) { fit(); }
    }).observe(element);
  }

  var stopNumbers = {};
  legs.forEach(function (feature) {
    // Number every stop of a route at its place (a place visited twice shows "1, 3").
    var p = feature.properties;
    if (p.number === 1) { (stopNumbers[p.from] = stopNumbers[p.from] || []).push(1); }
    (stopNumbers[p.to] = stopNumbers[p.to] || []).push(p.number + 1);
  });

  places.forEach(function (feature) {
    if (!feature.geometry) { return; }
    var props = feature.properties;
    var group = words.group_of[props.kind] || "place";
    var at = latLng(feature.geometry.coordinates);
    var marker = L.marker(at, {
      title: localName(props, "") + (props.persons === null ? "" : " (" + props.persons + ")"),
      alt: localName(props, ""),
      riseOnHover: true,
      icon: L.divIcon({
        className: "place-marker group-" + group + (props.approximate ? " approximate" : ""),
        iconSize: [14, 14]
      })
    });
    marker.bindPopup(placePopup(props));
    marker.addTo(map);
    marker.getElement().setAttribute("data-place", props.slug);
    var numbers = stopNumbers[props.slug];
    if (numbers) {
      var label = L.marker(at, {
        interactive: false, keyboard: false,
        icon: L.divIcon({ className: "stop-number", iconSize: null, iconAnchor: [-8, 18] })
      }).addTo(map);
      label.getElement().textContent = numbers.join(", ");
    }
  });

  var drawn = [];
  var most = 1;
  flows.forEach(function (f) { most = Math.max(most, f.properties.persons || 1); });
  var palette = ["#8a1c1c", "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#e69f00"];
  var personColour = {};

  function lineOf(feature, weight, colour) {
    var ends = feature.geometry.coordinates.map(latLng);
    var line = L.polyline(ends, {
      renderer: lines, color: colour, weight: weight, opacity: 0.8,
      dashArray: feature.properties.approximate ? "6 6" : null
    });
    line.addTo(map);
    drawn.push({ line: line, weight: weight, colour: colour });
    return line;
  }

  flows.forEach(function (feature) {
    if (!feature.geometry) { return; }
    var p = feature.properties;
    var weight = 1.5 + 8.5 * Math.sqrt((p.persons || 1) / most);
    var line = lineOf(feature, weight, "#8a1c1c");
    line.bindPopup(function () {
      var box = el("div", null, "flow-popup");
      box.appendChild(el("h3", localName(p, "from_") + " → " + localName(p, "to_")));
      box.appendChild(el("p", p.persons + " " + words.persons));
      box.appendChild(el("p", words.dates + ": " + (p.date_from || "?") + " – " + (p.date_to || "?")));
      if (p.approximate) { box.appendChild(el("p", words.approximate, "note")); }
      return box;
    });
  });

  legs.forEach(function (feature) {
    if (!feature.geometry) { return; }
    var p = feature.properties;
    if (!(p.person in personColour)) {
      personColour[p.person] = palette[Object.keys(personColour).length % palette.length];
    }
    var line = lineOf(feature, 3, personColour[p.person]);
    line.bindPopup(function () {
      var box = el("div", null, "leg-popup");
      box.appendChild(el("h3", words.leg + " " + p.number + ": " + p.from_name + " → " + p.to_name));
      box.appendChild(el("p", (p.pseudonym || p.person) + " (" + p.person + ")"));
      box.appendChild(el("p", words.dates + ": " + (p.from_date || "?") + " → " + (p.to_date || "?")));
      if (p.agency) { box.appendChild(el("p", words.agency + ": " + (isKorean && p.agency.name_ko ? p.agency.name_ko : p.agency.name))); }
      box.appendChild(el("p", p.kinds.map(function (k) { return words.event_kinds[k] || k; }).join(", ")));
      return box;
    });
  });

  // Arrowheads, drawn in screen space at each zoom so they keep their size: a small
  // triangle a little past the middle of each line, pointing to the destination.
  var arrows = L.layerGroup().addTo(map);
  function drawArrows() {
    arrows.clearLayers();
    drawn.forEach(function (item) {
      var ends = item.line.getLatLngs();
      var a = map.latLngToLayerPoint(ends[0]), b = map.latLngToLayerPoint(ends[1]);
      var dx = b.x - a.x, dy = b.y - a.y, length = Math.sqrt(dx * dx + dy * dy);
      if (length < 12) { return; }
      var ux = dx / length, uy = dy / length, size = Math.max(7, item.weight * 1.8);
      var tip = L.point(a.x + dx * 0.6 + ux * size / 2, a.y + dy * 0.6 + uy * size / 2);
      var back = L.point(tip.x - ux * size, tip.y - uy * size);
      var left = L.point(back.x - uy * size * 0.6, back.y + ux * size * 0.6);
      var right = L.point(back.x + uy * size * 0.6, back.y - ux * size * 0.6);
      arrows.addLayer(L.polygon([tip, left, right].map(function (p) {
        return map.layerPointToLatLng(p);
      }), { renderer: lines, stroke: false, fillColor: item.colour, fillOpacity: 0.9, interactive: false }));
    });
  }

  drawArrows();
  map.on("zoomend", drawArrows);

  var tiles = element.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { attribution: element.getAttribute("data-tile-attribution") || "" }).addTo(map);
  }
  fetch(element.getAttribute("data-basemap"), { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (countries) {
      L.geoJSON(countries, {
        pane: "basemap", interactive: false,
        renderer: L.canvas({ pane: "basemap" }),
        style: { color: "#8d96a3", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 }
      }).addTo(map);
    })
    .catch(function () { element.setAttribute("data-basemap-failed", "1"); })
    .then(function () {
      element.setAttribute("data-ready", "1");
      element.setAttribute("data-drawn-lines", String(drawn.length));
      element.setAttribute("data-drawn-places", String(places.filter(function (f) { return f.geometry; }).length));
    });
})();
