// The link chart: Cytoscape.js (served locally) over the elements the page was rendered with.
// Clicking an entity fetches its links (one step) and adds them; the side lists, the export links
// and the save form follow what is on the chart, so what is exported is what the analyst sees.
(function () {
  "use strict";
  var holder = document.getElementById("chart");
  var source = document.getElementById("chart-elements");
  if (!holder || !source || typeof cytoscape !== "function") return;
  var elements = JSON.parse(source.textContent);
  var filters = new URLSearchParams(window.location.search);

  var cy = cytoscape({
    container: holder,
    elements: { nodes: elements.nodes, edges: elements.edges },
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 110,
          "background-color": "#6b7b8c", "width": 18, "height": 18, "color": "#1b1b1b" } },
      { selector: "node[kind = 'person']", style: { "background-color": "#1d70b8", "shape": "ellipse" } },
      { selector: "node[kind = 'phone']", style: { "background-color": "#4c2c92", "shape": "round-rectangle" } },
      { selector: "node[kind = 'vehicle']", style: { "background-color": "#505a5f", "shape": "rectangle" } },
      { selector: "node[kind = 'location']", style: { "background-color": "#00703c", "shape": "diamond" } },
      { selector: "node[kind = 'event']", style: {
          "background-color": "#b1b4b6", "shape": "triangle", "width": 10, "height": 10, "font-size": 7 } },
      { selector: "node[?premises]", style: { "background-color": "#912b88", "width": 26, "height": 26 } },
      { selector: "node[?at_risk]", style: { "background-color": "#f47738", "width": 24, "height": 24 } },
      { selector: "node[controller]", style: {
          "background-color": "#d4351c", "width": 32, "height": 32, "border-width": 3, "border-color": "#0b0c0c" } },
      { selector: "edge", style: {
          "width": 1.2, "line-color": "#b1b4b6", "curve-style": "bezier", "label": "data(kind)",
          "font-size": 6, "color": "#505a5f", "text-rotation": "autorotate" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffdd00" } }
    ],
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 70 }
  });
  holder.lanternChart = cy;

  function ids() { return cy.nodes().map(function (n) { return n.id(); }); }

  function refreshLinks() {
    var query = ids().map(function (id) { return "node=" + encodeURIComponent(id); }).join("&");
    document.querySelectorAll("a[data-export]").forEach(function (a) {
      a.href = a.href.split("?")[0] + "?" + query;
    });
    var field = document.querySelector("input[name='nodes']");
    if (field) field.value = JSON.stringify(ids());
  }

  function listItem(data) {
    var li = document.createElement("li");
    li.dataset.node = data.id;
    var tag = document.createElement("span");
    tag.className = "kind-tag";
    tag.textContent = data.kind;
    li.appendChild(tag);
    li.appendChild(document.createTextNode(" " + data.label));
    [["premises", "premises", "flag-premises"], ["at_risk", "at risk", "flag-risk"],
     ["controller", "possible controller", "flag-controller"]].forEach(function (flag) {
      if (data[flag[0]]) {
        var span = document.createElement("span");
        span.className = "flag " + flag[2];
        span.textContent = flag[1];
        li.appendChild(document.createTextNode(" "));
        li.appendChild(span);
      }
    });
    return li;
  }

  function addToLists(nodes) {
    var entities = document.querySelector(".chart-entities");
    var timeline = document.querySelector(".timeline");
    nodes.forEach(function (node) {
      var data = node.data;
      if (data.kind === "event" && timeline) {
        var li = document.createElement("li");
        li.dataset.node = data.id;
        var time = document.createElement("time");
        time.dateTime = data.date || "";
        time.textContent = data.date || "";
        li.appendChild(time);
        li.appendChild(document.createTextNode(" " + data.label));
        timeline.appendChild(li);
      } else if (entities) {
        entities.appendChild(listItem(data));
      }
    });
  }

  var status = document.createElement("p");
  status.className = "muted";
  status.setAttribute("role", "status");
  holder.insertAdjacentElement("afterend", status);

  cy.on("tap", "node", function (event) {
    var node = event.target;
    if (node.data("expanded")) return;
    var params = new URLSearchParams();
    params.append("node", node.id());
    ["kinds", "since", "until"].forEach(function (name) {
      filters.getAll(name).forEach(function (value) { params.append(name, value); });
    });
    status.textContent = "Bringing in the links of " + node.data("label") + "...";
    fetch(holder.dataset.url + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.error || "the server refused");
          return body;
        });
      })
      .then(function (body) {
        var fresh = body.nodes.filter(function (n) { return cy.getElementById(n.data.id).empty(); });
        var links = body.edges.filter(function (e) { return cy.getElementById(e.data.id).empty(); });
        cy.add(fresh);
        cy.add(links.filter(function (e) {
          return !cy.getElementById(e.data.source).empty() && !cy.getElementById(e.data.target).empty();
        }));
        node.data("expanded", true);
        addToLists(fresh);
        refreshLinks();
        cy.layout({ name: "cose", animate: false, randomize: false, fit: true }).run();
        status.textContent = fresh.length + " linked item(s) added from " + node.data("label") + ".";
      })
      .catch(function (error) { status.textContent = "Could not expand: " + error.message + ". Try again."; });
  });

  document.querySelectorAll("[data-node]").forEach(function (li) {
    li.addEventListener("click", function () {
      cy.$(":selected").unselect();
      var node = cy.getElementById(li.dataset.node);
      if (!node.empty()) { node.select(); cy.center(node); }
    });
  });
  refreshLinks();
})();
