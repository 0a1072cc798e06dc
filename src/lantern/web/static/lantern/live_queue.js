// The live alert queue (orders/live_queue.html). htmx polls the changes (#live-incoming, swapping
// nothing); this script reads each answer in an inert template and moves each changed alert into
// the list (new ones in queue order, changed ones in place, so no id is ever in the page twice),
// drops those no longer waiting, draws each alert's map, and cues a new
// alert: a banner, the row flashing, the count in the tab's title and, once the officer has turned
// sound on (browsers play nothing before a click), a short tone made with the Web Audio API.
(function () {
  "use strict";
  var audio = null; // an AudioContext, made by the click that turns sound on
  var baseTitle = document.title;

  // Labels come from records (plates, camera ids, zone names): always text, never markup (Leaflet
  // would read a string tooltip as HTML).
  function text(label) {
    var span = document.createElement("span");
    span.textContent = label || "";
    return span;
  }

  function parse(el, name) {
    try { return JSON.parse(el.dataset[name] || "[]"); } catch (e) { return []; }
  }

  function drawMap(el) {
    if (el.lanternMap || typeof L === "undefined") { return; }
    var map = L.map(el, { scrollWheelZoom: false }).setView([52.5735, -0.2425], 13);
    el.lanternMap = map;
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
    parse(el, "points").forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], { radius: 7, color: "#0b3d91", fillOpacity: 0.9 });
      marker.bindTooltip(text(p.label));
      layers.push(marker.addTo(map));
    });
    if (layers.length) {
      map.fitBounds(L.featureGroup(layers).getBounds().pad(0.2), { maxZoom: 16 });
    }
  }

  function drawMaps(root) {
    root.querySelectorAll(".live-map").forEach(drawMap);
  }

  function tone() {
    if (!audio) { return; }
    // two short beeps, loud enough to notice across a room, short enough not to startle
    [0, 0.3].forEach(function (start) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      var at = audio.currentTime + start;
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.22);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.25);
    });
  }

  function toggleSound(button) {
    var on = button.getAttribute("aria-pressed") !== "true";
    if (on && !audio) {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) {
        button.textContent = "Sound is not available in this browser";
        button.disabled = true;
        return;
      }
      audio = new Context();
    }
    if (audio) {
      if (on) { audio.resume(); } else { audio.suspend(); }
    }
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "Turn sound off" : "Turn sound on";
    if (on) { tone(); } // the officer hears what a new alert will sound like
  }

  // The banner and the tab's title follow the new alerts not yet acknowledged.
  function refreshCues(list) {
    var fresh = list.querySelectorAll("article.live-alert-new");
    var banner = document.getElementById("live-banner");
    if (!fresh.length) {
      banner.textContent = "";
      document.title = baseTitle;
      return;
    }
    var newest = fresh[0];
    fresh.forEach(function (row) { if (row.dataset.arrived > newest.dataset.arrived) { newest = row; } });
    var words = fresh.length === 1 ? "New breach alert: " : fresh.length + " new breach alerts, the latest: ";
    banner.textContent = words + newest.dataset.label;
    document.title = "(" + fresh.length + ") " + baseTitle;
  }

  function insertInOrder(list, row) {
    var rows = list.querySelectorAll(":scope > article.live-alert");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].dataset.sort > row.dataset.sort) {
        list.insertBefore(row, rows[i]);
        return;
      }
    }
    list.appendChild(row);
  }

  function flash(row, kind) {
    row.classList.remove("live-alert-flash");
    void row.offsetWidth; // restarts the animation when the same row changes again
    row.classList.add(kind, "live-alert-flash");
  }

  function place(list, row) {
    var held = list.querySelector("#" + CSS.escape(row.id));
    if (!held) {
      row.dataset.arrived = String(Date.now());
      insertInOrder(list, row);
      flash(row, "live-alert-new");
      return true;
    }
    if (held.dataset.version === row.dataset.version) { return false; }
    if (held.classList.contains("live-alert-new")) {
      row.classList.add("live-alert-new");
      row.dataset.arrived = held.dataset.arrived;
    }
    var focused = focusIndex(held);
    held.replaceWith(row);
    if (focused !== -1) { refocus(row, focused); }
    flash(row, "live-alert-updated");
    return false;
  }

  // A keyboard user working in a row that changes keeps their place in it.
  function focusables(row) { return row.querySelectorAll("a[href], button"); }
  function focusIndex(row) {
    return Array.prototype.indexOf.call(focusables(row), document.activeElement);
  }
  function refocus(row, index) {
    var items = focusables(row);
    (items[Math.min(index, items.length - 1)] || row.querySelector("h2 a")).focus();
  }

  function merge(queue, answer) {
    var changes = answer.querySelector(".live-changes");
    if (!changes) { return false; }
    var list = document.getElementById("live-alerts");
    var open = new Set((changes.dataset.open || "").split(" ").filter(Boolean));
    var arrived = 0;
    Array.prototype.slice.call(changes.querySelectorAll(":scope > article.live-alert")).forEach(function (row) {
      if (place(list, row)) { arrived += 1; }
      if (window.htmx) { window.htmx.process(row); } // its Acknowledge button posts through htmx
      drawMaps(row);
    });
    list.querySelectorAll(":scope > article.live-alert").forEach(function (row) {
      if (!open.has(row.id.replace(/^alert-/, ""))) { row.remove(); } // closed, or no longer shown
    });
    queue.dataset.cursor = changes.dataset.cursor;
    document.getElementById("live-empty").hidden = list.children.length > 0;
    refreshCues(list);
    if (arrived) { tone(); }
    return true;
  }

  function status(message) {
    var line = document.getElementById("live-status");
    var time = new Date().toLocaleTimeString("en-GB", { timeZone: "Europe/London" });
    line.textContent = message + " " + time + ".";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var queue = document.getElementById("live-queue");
    var incoming = document.getElementById("live-incoming");
    if (!queue || !incoming) { return; }
    var list = document.getElementById("live-alerts");
    drawMaps(list);
    var sound = document.getElementById("live-sound");
    sound.addEventListener("click", function () { toggleSound(sound); });

    document.body.addEventListener("htmx:configRequest", function (event) {
      if (event.detail.elt === incoming) { event.detail.parameters.since = queue.dataset.cursor; }
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt !== incoming) { return; }
      var xhr = event.detail.xhr;
      if (!event.detail.successful) {
        status("Could not reach Lantern; trying again. Last tried");
        return;
      }
      if (xhr.responseURL && xhr.responseURL.indexOf(incoming.getAttribute("hx-get")) === -1) {
        window.location.reload(); // a sign-in page instead of the changes: the session ended
        return;
      }
      var answer = document.createElement("template"); // inert: nothing in it runs or joins the page
      answer.innerHTML = xhr.responseText;
      if (merge(queue, answer.content)) { status("Last checked"); }
    });
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      var xhr = event.detail.xhr;
      if (xhr.status === 404 && event.detail.target.classList.contains("live-alert")) {
        event.detail.shouldSwap = false; // closed by someone else meanwhile: nothing left to acknowledge
        event.detail.target.remove();
        refreshCues(list);
      }
    });
    document.body.addEventListener("htmx:load", function (event) {
      // an acknowledged row swapped in place: draw its map and update the cues
      var row = event.target;
      if (row.classList && row.classList.contains("live-alert")) {
        drawMaps(row);
        refreshCues(list);
        var note = row.querySelector(".live-note"); // the button that had focus is gone: say what happened
        if (note) { note.focus(); }
      }
    });
  });
})();
