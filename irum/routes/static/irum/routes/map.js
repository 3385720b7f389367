/* Irum transfer-route map. Draws the page's map data (#map-data, see
 * irum/routes/payload.py) on the Natural Earth countries the app serves, with Leaflet
 * from the XStatic-Leaflet wheel. No request leaves the site unless an administrator set
 * a tile URL. Every text shown comes from the data through textContent, never innerHTML,
 * so a place name cannot become markup. The tables under the map hold the same
 * information for screen readers and print.
 *
 * Lines (flows, or the legs of routes) are drawn by one canvas layer in one pass, not as
 * a Leaflet layer each: a report's map has thousands of them, and ten thousand Leaflet
 * polylines with their arrowheads take seconds to build and redraw. A click on the map
 * finds the nearest line itself. */
(function () {
  "use strict";
  var element = document.getElementById("irum-map");
  if (!element || typeof L === "undefined") { return; }
  // The basemap is the biggest file: ask for it before anything else is done.
  var basemap = fetch(element.getAttribute("data-basemap"), { credentials: "same-origin" })
    .then(function (response) { return response.json(); });
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var words = JSON.parse(document.getElementById("map-labels").textContent);
  var isKorean = (document.documentElement.lang || "").indexOf("ko") === 0;
  var P = { slug: 0, name: 1, nameKo: 2, names: 3, kind: 4, lat: 5, lon: 6, approx: 7, persons: 8, source: 9 };

  var map = L.map(element, { zoomSnap: 0.25, worldCopyJump: false });
  map.createPane("basemap").style.zIndex = 200;
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth");

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }
  function placeName(place) { return isKorean && place[P.nameKo] ? place[P.nameKo] : place[P.name]; }
  function located(place) { return place[P.lat] !== null && place[P.lon] !== null; }
  function at(place) { return L.latLng(place[P.lat], place[P.lon]); }
  var places = data.places;

  // Lines: [origin, destination, weight, colour, dashed, popup builder].
  // A flow of one person is a hairline, the biggest flow 10 px, the rest by the square
  // root of their count between them (so areas, not lengths, compare).
  var lines = [];
  if (data.mode === "flows") {
    var most = 1;
    data.flows.forEach(function (f) { most = Math.max(most, f[2]); });
    data.flows.forEach(function (f) {
      var from = places[f[0]], to = places[f[1]];
      if (!located(from) || !located(to)) { return; }
      lines.push({
        from: from, to: to, fromIndex: f[0], toIndex: f[1],
        weight: 1.5 + 8.5 * Math.sqrt((f[2] - 1) / Math.max(most - 1, 1)), colour: "#8a1c1c",
        dashed: Boolean(from[P.approx] || to[P.approx]), order: f[2],
        popup: function () {
          var box = el("div", null, "flow-popup");
          box.appendChild(el("h3", placeName(from) + " → " + placeName(to)));
          box.appendChild(el("p", f[2] + " " + words.persons));
          box.appendChild(el("p", words.dates + ": " + (f[4] || "?") + " – " + (f[5] || "?")));
          if (from[P.approx] || to[P.approx]) { box.appendChild(el("p", words.approximate, "note")); }
          return box;
        }
      });
    });
  } else {
    var palette = ["#8a1c1c", "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#e69f00"];
    data.routes.forEach(function (route, n) {
      var colour = palette[n % palette.length];
      route[2].forEach(function (leg) {
        var from = places[leg[1]], to = places[leg[2]];
        if (!located(from) || !located(to)) { return; }
        lines.push({
          from: from, to: to, fromIndex: leg[1], toIndex: leg[2], weight: 3, colour: colour, order: 0,
          dashed: Boolean(from[P.approx] || to[P.approx]),
          popup: function () {
            var box = el("div", null, "leg-popup");
            box.appendChild(el("h3", words.leg + " " + leg[0] + ": " + placeName(from) + " → " + placeName(to)));
            box.appendChild(el("p", (route[1] || route[0]) + " (" + route[0] + ")"));
            box.appendChild(el("p", words.dates + ": " + (leg[3] || "?") + " → " + (leg[4] || "?")));
            if (leg[5] >= 0) {
              var agency = data.agencies[leg[5]];
              box.appendChild(el("p", words.agency + ": " + (isKorean && agency[2] ? agency[2] : agency[1])));
            }
            box.appendChild(el("p", leg[6].map(function (k) { return words.event_kinds[k] || k; }).join(", ")));
            return box;
          }
        });
      });
    });
  }
  // The biggest flows last, so that they are drawn on top.
  lines.sort(function (a, b) { return a.order - b.order; });

  // The view first: Leaflet draws a marker only once the map has one.
  var bounds = L.latLngBounds([]);
  places.forEach(function (place) { if (located(place)) { bounds.extend(at(place)); } });
  function fit() {
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.15), { maxZoom: 9, animate: false });
    } else {
      map.setView([40.3, 127.5], 6, { animate: false });
    }
  }
  fit();

  // Up to this many places are Leaflet markers (elements the keyboard reaches); more are
  // drawn on the canvas with the lines. Hundreds of marker elements, each its own
  // composited layer, took the browser longer to paint than ten thousand lines.
  var MARKER_LIMIT = Number(element.getAttribute("data-marker-limit") || 150);
  var placesOnCanvas = places.filter(located).length > MARKER_LIMIT;
  var colours = words.colours;
  function drawPlace(ctx, point, group, approximate) {
    var r = group === "place" ? 4 : 6;
    ctx.beginPath();
    if (group === "camp") {
      ctx.rect(point.x - r, point.y - r, 2 * r, 2 * r);
    } else if (group === "holding") {
      ctx.moveTo(point.x, point.y - r); ctx.lineTo(point.x + r, point.y + r); ctx.lineTo(point.x - r, point.y + r);
      ctx.closePath();
    } else if (group === "crossing") {
      ctx.moveTo(point.x, point.y - r); ctx.lineTo(point.x + r, point.y); ctx.lineTo(point.x, point.y + r); ctx.lineTo(point.x - r, point.y);
      ctx.closePath();
    } else if (group === "china") {
      for (var k = 0; k < 5; k += 1) {
        var angle = -Math.PI / 2 + k * 2 * Math.PI / 5;
        ctx[k ? "lineTo" : "moveTo"](point.x + r * Math.cos(angle), point.y + r * Math.sin(angle));
      }
      ctx.closePath();
    } else {
      ctx.arc(point.x, point.y, r, 0, 2 * Math.PI);
    }
    ctx.globalAlpha = approximate ? 0.75 : 1;
    ctx.fillStyle = colours[group] || "#555";
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = "#ffffff";
    ctx.stroke();
  }

  var LineLayer = L.Layer.extend({
    onAdd: function (m) {
      this._canvas = L.DomUtil.create("canvas", "irum-lines leaflet-zoom-hide");
      m.getPanes().overlayPane.appendChild(this._canvas);
      m.on("moveend zoomend resize viewreset", this._schedule, this);
      this._redraw();
    },
    onRemove: function (m) {
      L.DomUtil.remove(this._canvas);
      m.off("moveend zoomend resize viewreset", this._schedule, this);
    },
    _schedule: function () {
      // A fit fires move, zoom and resize events together: draw once, at the next frame.
      if (this._frame) { return; }
      var self = this;
      this._frame = L.Util.requestAnimFrame(function () { self._frame = null; self._redraw(); });
    },
    _redraw: function () {
      var m = this._map, size = m.getSize(), ratio = window.devicePixelRatio || 1;
      var canvas = this._canvas;
      L.DomUtil.setPosition(canvas, m.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x * ratio;
      canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineCap = "butt";
      // Each place is projected once, not once per line end.
      var points = places.map(function (place) {
        return located(place) ? m.latLngToContainerPoint(at(place)) : null;
      });
      // Lines of one look are stroked as one path, and their arrowheads filled as one:
      // a few dozen draw calls instead of twenty thousand. Groups keep the lines' order
      // (smallest flows first), so the biggest are still drawn on top.
      var groups = [], byLook = {};
      lines.forEach(function (line) {
        line.a = points[line.fromIndex];
        line.b = points[line.toIndex];
        var width = Math.round(line.weight * 2) / 2;
        var look = line.colour + "|" + width + "|" + (line.dashed ? 1 : 0);
        if (!byLook[look]) {
          byLook[look] = { colour: line.colour, width: width, dashed: line.dashed, lines: [] };
          groups.push(byLook[look]);
        }
        byLook[look].lines.push(line);
      });
      groups.forEach(function (group) {
        ctx.globalAlpha = 0.8;
        ctx.strokeStyle = group.colour;
        ctx.lineWidth = group.width;
        ctx.setLineDash(group.dashed ? [6, 6] : []);
        ctx.beginPath();
        group.lines.forEach(function (line) {
          ctx.moveTo(line.a.x, line.a.y);
          ctx.lineTo(line.b.x, line.b.y);
        });
        ctx.stroke();
        // Arrowheads: a triangle a little past the middle, pointing at the destination.
        ctx.globalAlpha = 0.9;
        ctx.fillStyle = group.colour;
        ctx.beginPath();
        var s = Math.max(7, group.width * 1.8);
        group.lines.forEach(function (line) {
          var a = line.a, b = line.b, dx = b.x - a.x, dy = b.y - a.y;
          var length = Math.sqrt(dx * dx + dy * dy);
          if (length < 12) { return; }
          var ux = dx / length, uy = dy / length;
          var tx = a.x + dx * 0.6 + ux * s / 2, ty = a.y + dy * 0.6 + uy * s / 2;
          var bx = tx - ux * s, by = ty - uy * s;
          ctx.moveTo(tx, ty);
          ctx.lineTo(bx - uy * s * 0.6, by + ux * s * 0.6);
          ctx.lineTo(bx + uy * s * 0.6, by - ux * s * 0.6);
          ctx.closePath();
        });
        ctx.fill();
      });
      if (placesOnCanvas) {
        ctx.setLineDash([]);
        places.forEach(function (place, i) {
          if (points[i]) { drawPlace(ctx, points[i], words.group_of[place[P.kind]] || "place", place[P.approx]); }
        });
        this._points = points;
      }
    },
    nearestPlace: function (point) {
      if (!placesOnCanvas || !this._points) { return -1; }
      var best = -1, bestDistance = 9;
      this._points.forEach(function (p, i) {
        if (!p) { return; }
        var d = Math.sqrt((p.x - point.x) * (p.x - point.x) + (p.y - point.y) * (p.y - point.y));
        if (d <= bestDistance) { best = i; bestDistance = d; }
      });
      return best;
    },
    nearest: function (point) {
      // The line under a click: the nearest one within its own half-width and a margin.
      var best = null, bestDistance = Infinity;
      lines.forEach(function (line) {
        if (!line.a) { return; }
        var dx = line.b.x - line.a.x, dy = line.b.y - line.a.y, l2 = dx * dx + dy * dy;
        var t = l2 ? Math.max(0, Math.min(1, ((point.x - line.a.x) * dx + (point.y - line.a.y) * dy) / l2)) : 0;
        var px = line.a.x + t * dx - point.x, py = line.a.y + t * dy - point.y;
        var d = Math.sqrt(px * px + py * py);
        if (d <= line.weight / 2 + 4 && d <= bestDistance) { best = line; bestDistance = d; }
      });
      return best;
    }
  });
  var lineLayer = new LineLayer().addTo(map);
  // For tests and for a reader's own scripts: the map and its places.
  element.irum = { map: map, places: places };
  map.on("click", function (event) {
    var place = lineLayer.nearestPlace(event.containerPoint);
    if (place >= 0) {
      L.popup().setLatLng(at(places[place])).setContent(placePopup(places[place])).openOn(map);
      return;
    }
    var line = lineLayer.nearest(event.containerPoint);
    if (line) { L.popup().setLatLng(event.latlng).setContent(line.popup()).openOn(map); }
  });

  function placePopup(place) {
    var box = el("div", null, "place-popup");
    var title = el("h3", place[P.name]);
    if (place[P.nameKo]) {
      var ko = el("span", " " + place[P.nameKo]);
      ko.lang = "ko";
      title.appendChild(ko);
    }
    box.appendChild(title);
    if (place[P.names].length) {
      box.appendChild(el("p", words.also_known_as + ": " + place[P.names].join("; ")));
    }
    box.appendChild(el("p", words.kind + ": " + (words.place_kinds[place[P.kind]] || place[P.kind])));
    box.appendChild(el("p", words.persons_through + ": " +
      (place[P.persons] === null ? words.suppressed : place[P.persons]), "persons"));
    if (place[P.approx]) { box.appendChild(el("p", words.approximate, "note")); }
    if (place[P.source]) { box.appendChild(el("p", words.source + ": " + place[P.source], "source")); }
    return box;
  }

  // Stop numbers, for one person's route: a place visited twice shows "1, 3".
  var stopNumbers = {};
  if (data.mode === "routes" && data.routes.length === 1) {
    data.routes[0][2].forEach(function (leg) {
      if (leg[0] === 1) { (stopNumbers[leg[1]] = stopNumbers[leg[1]] || []).push(1); }
      (stopNumbers[leg[2]] = stopNumbers[leg[2]] || []).push(leg[0] + 1);
    });
  }

  var drawnPlaces = 0;
  places.forEach(function (place, i) {
    if (!located(place)) { return; }
    drawnPlaces += 1;
    if (placesOnCanvas) { return; }
    var group = words.group_of[place[P.kind]] || "place";
    var marker = L.marker(at(place), {
      title: placeName(place) + (place[P.persons] === null ? "" : " (" + place[P.persons] + ")"),
      riseOnHover: true,
      icon: L.divIcon({
        className: "place-marker group-" + group + (place[P.approx] ? " approximate" : ""),
        iconSize: [14, 14]
      })
    });
    marker.bindPopup(function () { return placePopup(place); });
    marker.addTo(map);
    marker.getElement().setAttribute("data-place", place[P.slug]);
    if (stopNumbers[i]) {
      var label = L.marker(at(place), {
        interactive: false, keyboard: false,
        icon: L.divIcon({ className: "stop-number", iconSize: null, iconAnchor: [-8, 18] })
      }).addTo(map);
      label.getElement().textContent = stopNumbers[i].join(", ");
    }
  });

  // The page may still be laying out (the admin's sidebar, a phone turned sideways):
  // follow the container's size, and refit until the reader moves the map herself.
  var touched = false;
  ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (name) {
    element.addEventListener(name, function () { touched = true; }, { passive: true });
  });
  if (typeof ResizeObserver !== "undefined") {
    var seen = element.clientWidth + "x" + element.clientHeight;
    new ResizeObserver(function () {
      var size = element.clientWidth + "x" + element.clientHeight;
      if (size === seen) { return; }
      seen = size;
      map.invalidateSize(false);
      if (!touched) { fit(); }
    }).observe(element);
  }

  var tiles = element.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { attribution: element.getAttribute("data-tile-attribution") || "" }).addTo(map);
  }
  basemap
    .then(function (countries) {
      L.geoJSON(countries, {
        pane: "basemap", interactive: false,
        renderer: L.canvas({ pane: "basemap" }),
        style: { color: "#8d96a3", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 }
      }).addTo(map);
    })
    .catch(function () { element.setAttribute("data-basemap-failed", "1"); })
    .then(function () {
      element.setAttribute("data-drawn-lines", String(lines.length));
      element.setAttribute("data-drawn-places", String(drawnPlaces));
      element.setAttribute("data-places-on-canvas", placesOnCanvas ? "1" : "0");
      element.setAttribute("data-ready", "1");
    });
})();
