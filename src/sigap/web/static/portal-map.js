/* The public map: boundaries as the base layer, reports clustered by the server
   (/api/v1/map/clusters), filters kept in the URL, the chosen area zoomed to and outlined,
   "locate me", the reports in view (portal-list.js) and the live feed (/api/v1/live) when the
   server has it. Text from reports is only ever set with textContent. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var form = document.getElementById("filters");
  var COLOURS = { open: "#c62828", in_progress: "#f2b600", resolved: "#2e7d32" };
  var GREY = "#6b7280";
  var map = L.map("map", { zoomControl: true, preferCanvas: false });
  var base = window.sigapBasemap(map, { search: true });
  var areaSelect = document.getElementById("f-area");
  var outline = L.layerGroup().addTo(map);
  var shownArea = "";
  if (config.area && config.area.bbox) { showArea(config.area); } else { map.fitBounds(base.bounds); }
  /* ?at=lat,lon (a report page's "see it on the map"): open close up on that place. */
  var at = (new URLSearchParams(location.search).get("at") || "").split(",").map(Number);
  if (at.length === 2 && isFinite(at[0]) && isFinite(at[1]) && at[0] && at[1]) {
    map.setView(at, 17);
  }
  window.sigapMap = map;

  /* The chosen area: the map zooms to its box and outlines it. */
  function boxOf(bbox) { return [[bbox[1], bbox[0]], [bbox[3], bbox[2]]]; }
  function showArea(feature) {
    shownArea = feature.properties.code;
    outline.clearLayers();
    if (feature.geometry) {
      outline.addLayer(L.geoJSON(feature, {
        interactive: false,
        style: { color: "#d35400", weight: 3, dashArray: "6 4", fill: false, className: "area-outline" }
      }));
    }
    if (feature.bbox) { map.fitBounds(boxOf(feature.bbox)); }
  }
  function areaChosen() {
    var code = areaSelect.value;
    if (code === shownArea) { return; }
    if (!code) { shownArea = ""; outline.clearLayers(); map.fitBounds(base.bounds); return; }
    shownArea = code;
    fetch("/api/v1/map/areas/" + encodeURIComponent(code) + ".geojson")
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (feature) { if (feature && areaSelect.value === code) { showArea(feature); } });
  }
  /* The typeahead beside the area list: picking a name from it picks that area. */
  var finder = document.getElementById("f-area-find");
  finder.parentNode.hidden = false;
  finder.addEventListener("input", function () {
    var options = document.getElementById("area-list").options;
    for (var i = 0; i < options.length; i++) {
      if (options[i].value === finder.value) {
        areaSelect.value = options[i].getAttribute("data-code");
        areaSelect.dispatchEvent(new Event("change", { bubbles: true }));
        return;
      }
    }
  });

  /* "Locate me": the map goes to the person's position; a problem is said in words. */
  var note = document.getElementById("map-note");
  function say(text, problem) {
    note.textContent = text;
    note.className = problem ? "map-note error" : "map-note";
    note.hidden = false;
  }
  var here = L.layerGroup().addTo(map);
  var Locate = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var button = L.DomUtil.create("button", "locate-me");
      button.type = "button";
      button.id = "locate-me";
      button.textContent = "\u25CE " + window.sigapLocate.texts.button;
      L.DomEvent.disableClickPropagation(button);
      L.DomEvent.on(button, "click", locate);
      return button;
    }
  });
  map.addControl(new Locate());
  function locate() {
    say(window.sigapLocate.texts.waiting, false);
    window.sigapLocate(function (pos) {
      var at = [pos.coords.latitude, pos.coords.longitude], metres = Math.round(pos.coords.accuracy);
      here.clearLayers();
      here.addLayer(L.circle(at, { radius: metres, weight: 1, color: "#1565c0", fillOpacity: 0.1, interactive: false }));
      here.addLayer(L.circleMarker(at, { radius: 7, color: "#fff", weight: 2, fillColor: "#1565c0", fillOpacity: 1 }));
      map.setView(at, Math.max(map.getZoom(), 16));
      say(window.sigapLocate.texts.found.replace("{m}", String(metres)), false);
    }, function (text) { say(text, true); });
  }

  /* Boundaries: kota when zoomed out, kecamatan in between, kelurahan up close. */
  var LEVELS = [
    { level: "kabkota", min: 0, max: 11 },
    { level: "kecamatan", min: 12, max: 13 },
    { level: "kelurahan", min: 14, max: 22 }
  ];
  var boundaryLayers = {};
  function boundaryStyle() {
    return { color: "#0b3d6e", weight: 1.5, fillColor: "#ffffff", fillOpacity: base.tiles ? 0.04 : 0.35 };
  }
  function loadBoundary(spec) {
    if (boundaryLayers[spec.level]) { return; }
    boundaryLayers[spec.level] = "loading";
    fetch("/api/v1/map/boundaries/" + spec.level + ".geojson")
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, { style: boundaryStyle, onEachFeature: areaFeature });
        boundaryLayers[spec.level] = layer;
        showBoundaries();
      });
  }
  function areaFeature(feature, layer) {
    var p = feature.properties;
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = p.name;
    var link = document.createElement("a");
    link.href = "/areas/" + encodeURIComponent(p.code) + "?lang=" + config.lang;
    link.textContent = config.lang === "en" ? "Dashboard" : "Dasbor";
    box.appendChild(name); box.appendChild(document.createElement("br")); box.appendChild(link);
    layer.bindPopup(box);
  }
  function showBoundaries() {
    var zoom = map.getZoom();
    LEVELS.forEach(function (spec) {
      var layer = boundaryLayers[spec.level];
      var wanted = zoom >= spec.min && zoom <= spec.max;
      if (wanted && !layer) { loadBoundary(spec); return; }
      if (!layer || layer === "loading") { return; }
      if (wanted && !map.hasLayer(layer)) { layer.addTo(map); layer.bringToBack(); }
      if (!wanted && map.hasLayer(layer)) { map.removeLayer(layer); }
    });
  }

  /* Filters <-> URL. */
  function filterParams() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "" && key !== "lang") { params.append(key, value); }
    });
    return params;
  }
  function syncUrl() {
    var params = filterParams();
    params.set("lang", config.lang);
    history.replaceState(null, "", location.pathname + "?" + params.toString());
  }
  function filtersChanged() { syncUrl(); loadReports(); inView.refresh(); areaChosen(); }
  form.addEventListener("change", function (event) {
    if (event.target !== finder) { filtersChanged(); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); filtersChanged(); });
  /* Every change applies at once here, so "Apply" is for pages without JavaScript. */
  form.querySelector("button[type=submit]").hidden = true;

  /* Reports: clusters and single points from the server. */
  var reportLayer = L.layerGroup().addTo(map);
  var liveLayer = L.layerGroup().addTo(map);
  var request = 0;
  function statusColour(status) { return COLOURS[status] || GREY; }
  /* A cluster is a ring split by status shares (red, yellow, green, grey) around its count. */
  function clusterRing(c) {
    var other = Math.max(c.count - c.open - c.in_progress - c.resolved, 0);
    var parts = [[c.open, COLOURS.open], [c.in_progress, COLOURS.in_progress],
      [c.resolved, COLOURS.resolved], [other, GREY]];
    var at = 0, stops = [];
    parts.forEach(function (part) {
      if (!part[0]) { return; }
      var end = at + 360 * part[0] / c.count;
      stops.push(part[1] + " " + at.toFixed(1) + "deg " + end.toFixed(1) + "deg");
      at = end;
    });
    return "conic-gradient(" + stops.join(", ") + ")";
  }
  function shortCount(n) {
    if (n >= 1000000) { return (n / 1000000).toFixed(1) + "M"; }
    return n >= 10000 ? Math.round(n / 1000) + "k" : String(n);
  }
  function clusterMarker(c) {
    var size = Math.round(24 + 5 * Math.log10(c.count));
    // Built as elements, its size and ring set through the CSSOM: the page's policy allows
    // no inline style attribute (sigap.web.security).
    var ring = document.createElement("div");
    ring.className = "cluster";
    ring.dataset.count = String(c.count);
    ring.style.width = ring.style.height = size + "px";
    ring.style.background = clusterRing(c);
    ring.appendChild(document.createElement("span")).textContent = shortCount(c.count);
    var icon = L.divIcon({ className: "", html: ring, iconSize: [size, size] });
    var marker = L.marker([c.lat, c.lon], {
      icon: icon, keyboard: true, title: c.count + (config.lang === "en" ? " reports" : " laporan")
    });
    marker.on("click", function () { map.setView([c.lat, c.lon], Math.min(map.getZoom() + 2, 18)); });
    return marker;
  }
  function pointMarker(p, live) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 8, color: p.overdue ? "#000" : "#fff", weight: p.overdue ? 3 : 2,
      fillColor: statusColour(p.status), fillOpacity: 0.95,
      className: live ? "report-marker live-marker" : "report-marker"
    });
    marker.options.sigapId = p.id;
    marker.bindPopup(function () { return popup(p); });
    return marker;
  }
  function popup(p) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = (config.categoryNames[p.category_code] || p.category_code) + " #" + p.id;
    var status = document.createElement("div");
    status.textContent = (config.statusNames[p.status] || p.status) +
      (p.overdue ? " · " + (config.lang === "en" ? "overdue" : "terlambat") : "");
    var summary = document.createElement("p");
    var link = document.createElement("a");
    link.href = "/reports/" + p.id + "?lang=" + config.lang;
    link.textContent = config.lang === "en" ? "Open report" : "Lihat laporan";
    box.appendChild(title); box.appendChild(status); box.appendChild(summary); box.appendChild(link);
    fetch("/api/v1/reports/" + p.id + "?lang=" + config.lang)
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (r) {
        if (!r) { return; }
        var said = r.description === null ? config.hiddenText : r.description.slice(0, 160);
        summary.textContent = said + " — " + r.kelurahan.name;
      });
    return box;
  }
  function loadReports() {
    var b = map.getBounds();
    var params = filterParams();
    var bbox = [Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90),
      Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90)].map(function (v) { return v.toFixed(5); });
    params.set("bbox", bbox.join(","));
    params.set("zoom", String(map.getZoom()));
    var mine = ++request;
    fetch("/api/v1/map/clusters?" + params.toString())
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (mine !== request) { return; }
        reportLayer.clearLayers();
        liveLayer.clearLayers();
        (data.clusters || []).forEach(function (c) { reportLayer.addLayer(clusterMarker(c)); });
        (data.points || []).forEach(function (p) { reportLayer.addLayer(pointMarker(p)); });
        document.getElementById("map").setAttribute("data-loaded", String(mine));
      });
  }
  var inView = window.sigapInView(map, config, filterParams);
  map.on("moveend", function () { showBoundaries(); loadReports(); });
  showBoundaries();
  loadReports();

  /* Live feed: new reports and status changes, if the server streams them. */
  if (window.EventSource) {
    var source = new EventSource("/api/v1/live");
    var onReport = function (event) {
      var item;
      try { item = JSON.parse(event.data); } catch (e) { return; }
      addToFeed(item);
      if (matches(item)) { liveLayer.addLayer(pointMarker({
        id: item.report_id, lat: item.lat, lon: item.lon, status: item.status,
        category_code: item.category_code, overdue: false
      }, true)); }
    };
    /* The stream names its events "report" (event: report); unnamed ones arrive as messages. */
    source.addEventListener("report", onReport);
    source.onmessage = onReport;
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) { source.close(); }
    };
  }
  function matches(item) {
    var params = filterParams();
    var cats = params.getAll("category"), statuses = params.getAll("status");
    if (cats.length && cats.indexOf(item.category_code) < 0) { return false; }
    if (statuses.length && statuses.indexOf(item.status) < 0) { return false; }
    return typeof item.lat === "number" && map.getBounds().contains([item.lat, item.lon]);
  }
  function addToFeed(item) {
    var list = document.getElementById("feed");
    var empty = document.getElementById("feed-empty");
    if (empty) { empty.remove(); }
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = "/reports/" + item.report_id + "?lang=" + config.lang;
    link.textContent = (config.categoryNames[item.category_code] || item.category_code) +
      " #" + item.report_id;
    li.appendChild(link);
    li.appendChild(document.createTextNode(" · " + (config.statusNames[item.status] || item.status)));
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 30) { list.removeChild(list.lastChild); }
  }
})();
