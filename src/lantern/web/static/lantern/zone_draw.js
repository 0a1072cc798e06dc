// Drawing an exclusion zone: each click on a .zone-draw map adds a corner; the polygon is written
// into the GeoJSON box (data-target) as a closed, counter-clockwise ring, so the server's own
// checks (closed ring, no crossing edges, inside the UK) judge exactly what was drawn. Typing or
// pasting GeoJSON into the box redraws it; the page works without this script (paste or upload).
(function () {
  "use strict";
  function ring(points) {
    var coords = points.map(function (p) { return [Number(p.lng.toFixed(6)), Number(p.lat.toFixed(6))]; });
    var area = 0;
    for (var i = 0; i < coords.length; i++) {
      var a = coords[i], b = coords[(i + 1) % coords.length];
      area += (b[0] - a[0]) * (b[1] + a[1]);
    }
    if (area > 0) { coords.reverse(); } // clockwise drawn: make it counter-clockwise (RFC 7946)
    coords.push(coords[0]);
    return coords;
  }
  function setup(el) {
    var map = el.lanternMap, box = document.getElementById(el.dataset.target);
    if (!map || !box) { return; }
    var points = [], shape = null, form = el.closest("form");
    function redraw() {
      if (shape) { map.removeLayer(shape); shape = null; }
      if (points.length >= 3) {
        shape = L.polygon(points, { color: "#b00020", weight: 2, fillOpacity: 0.2 }).addTo(map);
        box.value = JSON.stringify({ type: "Polygon", coordinates: [ring(points)] });
      } else if (points.length) {
        shape = L.polyline(points, { color: "#b00020", dashArray: "4" }).addTo(map);
        box.value = "";
      } else {
        box.value = "";
      }
    }
    map.on("click", function (e) { points.push(e.latlng); redraw(); });
    if (form) {
      var undo = form.querySelector(".zone-undo"), clear = form.querySelector(".zone-clear");
      if (undo) { undo.addEventListener("click", function () { points.pop(); redraw(); }); }
      if (clear) { clear.addEventListener("click", function () { points = []; redraw(); }); }
    }
    box.addEventListener("change", function () {
      try {
        var geo = JSON.parse(box.value);
        var first = (geo.type === "Polygon" ? geo.coordinates[0] : geo.coordinates[0][0]).slice(0, -1);
        points = first.map(function (c) { return L.latLng(c[1], c[0]); });
        redraw();
        map.fitBounds(shape.getBounds().pad(0.3));
      } catch (err) { /* the server says what is wrong with it */ }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll(".zone-draw").forEach(setup);
  });
})();
