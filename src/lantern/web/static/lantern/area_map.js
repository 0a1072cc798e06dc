// Draws every .area-map element: postcode district outlines (data-outlines), the chosen area's
// boundary (data-boundary) and overlays (data-layers: points, H3 cells, zones), each listed in
// Leaflet's layer control. Tiles only when a URL is configured: without them the district
// outlines, labelled, are the base (police networks are often closed).
// Every label comes from records people typed: it goes into text nodes, never markup (Leaflet
// reads a string tooltip, and a layer control name, as HTML).
(function () {
  "use strict";
  var ID = /^[0-9a-fA-F-]{32,36}$/;

  function text(label) {
    var span = document.createElement("span");
    span.textContent = label || "";
    return span;
  }
  function escaped(label) {
    return text(label).innerHTML;
  }
  function parse(el, name, empty) {
    try { return JSON.parse(el.dataset[name] || "null") || empty; } catch (e) { return empty; }
  }
  // A popup holding a link to the record, built from DOM nodes (the id is checked, the label is text).
  function popup(label, template, id) {
    var box = document.createElement("div");
    if (template && ID.test(id || "")) {
      var a = document.createElement("a");
      a.href = template.replace("{id}", id);
      a.textContent = label || "Open the record";
      box.appendChild(a);
    } else {
      box.appendChild(text(label));
    }
    return box;
  }
  function decorate(layer, item, template) {
    layer.bindTooltip(text(item.label));
    if (template && item.id) { layer.bindPopup(popup(item.label, template, item.id)); }
    return layer;
  }

  function pointsLayer(spec, links) {
    var group = L.featureGroup();
    (spec.items || []).forEach(function (p) {
      var colour = p.colour || spec.colour || "#0b3d91";
      // premises (with a band) are ringed in black, so a high-risk address never reads as an incident
      var marker = L.circleMarker([p.lat, p.lon], {
        radius: p.band ? 8 : 6, color: p.band ? "#1a1a1a" : "#ffffff", weight: p.band ? 2 : 1,
        fillColor: colour, fillOpacity: 0.85, className: "map-point map-point-" + spec.key
      });
      decorate(marker, p, links[spec.link]).addTo(group);
    });
    return group;
  }
  function cellsLayer(spec) {
    var group = L.featureGroup();
    (spec.items || []).forEach(function (c) {
      var cell = L.polygon(c.boundary, {
        color: "#7a0019", weight: 1, fillColor: "#b00020", fillOpacity: 0.1 + 0.6 * c.weight, className: "map-cell"
      });
      decorate(cell, c).addTo(group);
    });
    return group;
  }
  function shapesLayer(spec, links) {
    var group = L.featureGroup();
    (spec.items || []).forEach(function (z) {
      var shape = L.geoJSON(z.geojson, {
        style: { color: "#0b3d91", weight: 2, dashArray: "6 3", fillOpacity: 0.08, className: "map-zone" }
      });
      decorate(shape, z, links[spec.link]).addTo(group);
    });
    return group;
  }
  var BUILDERS = { points: pointsLayer, cells: cellsLayer, shapes: shapesLayer };

  function outlinesLayer(outlines) {
    var group = L.featureGroup();
    outlines.forEach(function (o) {
      L.geoJSON(o.geojson, {
        interactive: false, style: { color: "#5f6b7a", weight: 1, fill: false, className: "map-district" }
      }).addTo(group);
      if (o.centre) {
        L.tooltip({ permanent: true, direction: "center", className: "district-label", interactive: false })
          .setLatLng(o.centre).setContent(text(o.name)).addTo(group);
      }
    });
    return group;
  }

  function draw(el) {
    // A view before any layer: Leaflet's vector renderer needs map bounds when a layer is added.
    var map = L.map(el, { scrollWheelZoom: false }).setView([52.5735, -0.2425], 11);
    el.lanternMap = map; // zone_draw.js draws on the same map
    var tiles = el.dataset.tileUrl;
    if (tiles) {
      // the attribution is configuration, but Leaflet writes it as HTML: it is shown as text
      L.tileLayer(tiles, { attribution: escaped(el.dataset.tileAttribution), maxZoom: 19 }).addTo(map);
    } else {
      el.classList.add("map-no-tiles");
    }
    var overlays = {}, fit = null, links = parse(el, "links", {});
    var outlines = parse(el, "outlines", []);
    if (outlines.length) {
      var districts = outlinesLayer(outlines);
      if (!tiles) { districts.addTo(map); }
      overlays["Postcode districts (approximate)"] = districts;
    }
    var boundary = parse(el, "boundary", null);
    if (boundary) {
      var area = L.geoJSON(boundary, { interactive: false, style: { color: "#1a1a1a", weight: 3, fill: false, className: "map-boundary" } });
      overlays["Selected area"] = area.addTo(map);
      fit = area.getBounds();
    }
    var drawn = [];
    parse(el, "layers", []).forEach(function (spec) {
      var build = BUILDERS[spec.type];
      if (!build) { return; }
      var layer = build(spec, links);
      var count = (spec.items || []).length;
      overlays[escaped(spec.title) + " (" + count + ")"] = layer;
      if (spec.on) { layer.addTo(map); if (count) { drawn.push(layer); } }
    });
    if (Object.keys(overlays).length) {
      L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    }
    if (!fit && drawn.length) { fit = L.featureGroup(drawn).getBounds(); }
    if (fit && fit.isValid()) {
      map.fitBounds(fit.pad(0.1), { maxZoom: 16 });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll(".area-map").forEach(draw);
  });
})();
