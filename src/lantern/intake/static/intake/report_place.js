// The report form's place: a click on the map (when a base map is configured) or "use where I am
// now" fills the latitude and longitude boxes, which work on their own without JavaScript.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var lat = document.getElementById("id_latitude"), lon = document.getElementById("id_longitude");
    if (!lat || !lon) { return; }
    function set(a, b) { lat.value = a.toFixed(5); lon.value = b.toFixed(5); }
    var button = document.getElementById("use-location");
    if (button && navigator.geolocation) {
      button.parentNode.hidden = false;
      button.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (p) { set(p.coords.latitude, p.coords.longitude); });
      });
    }
    var el = document.getElementById("report-map");
    if (!el || typeof L === "undefined") { return; }
    var map = L.map(el).setView([52.5735, -0.2425], 13), marker = null;
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    map.on("click", function (e) {
      set(e.latlng.lat, e.latlng.lng);
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
    });
  });
})();
