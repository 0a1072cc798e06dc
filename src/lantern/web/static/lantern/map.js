// Draws every .map element: points (data-points) and GeoJSON zones (data-zones), with a base map
// only when a tile URL is configured (police networks are often closed, so none is the default).
(function () {
  "use strict";
  // Labels come from people's reports and forms: always text, never markup (Leaflet would read a
  // string tooltip as HTML).
  function text(label) {
    var span = document.createElement("span");
    span.textContent = label || "";
    return span;
  }
  function parse(el, name) {
    try { return JSON.parse(el.dataset[name] || "[]"); } catch (e) { return []; }
  }
  function draw(el) {
    // A view before any layer: Leaflet's vector renderer needs map bounds when a layer is added.
    var map = L.map(el, { scrollWheelZoom: false }).setView([52.5735, -0.2425], 13);
    el.lanternMap = map; // zone_draw.js draws on the same map
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    } else {
      el.classList.add("map-no-tiles");
    }
    var layers = [];
    parse(el, "zones").forEach(function (zone) {
      var layer = L.geoJSON(zone.geojson, { style: { color: "#b00020", weight: 2, fillOpacity: 0.15 } });
      layer.bindTooltip(text(zone.name || "Exclusion zone"));
      layers.push(layer.addTo(map));
    });
    parse(el, "cells").forEach(function (c) {
      // H3 cells, darker with more harm (weight 0-1 of the heaviest cell)
      var cell = L.polygon(c.boundary, { color: "#7a0019", weight: 1, fillColor: "#b00020", fillOpacity: 0.1 + 0.7 * c.weight });
      cell.bindTooltip(text(c.label));
      layers.push(cell.addTo(map));
    });
    parse(el, "points").forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], { radius: 6, color: "#0b3d91", fillOpacity: 0.8 });
      marker.bindTooltip(text(p.label));
      layers.push(marker.addTo(map));
    });
    if (!layers.length) { return; }
    var bounds = L.featureGroup(layers).getBounds();
    map.fitBounds(bounds.pad(0.3), { maxZoom: 16 });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll(".map").forEach(draw);
  });
})();
