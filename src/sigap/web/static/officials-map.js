// The unit's reports on the street map (sigapBasemap): markers coloured by status, overdue ringed.
(function () {
  "use strict";
  var points = JSON.parse(document.getElementById("unit-points").textContent);
  var lang = document.documentElement.lang;
  var map = L.map("unit-map", { zoomControl: true });
  var base = window.sigapBasemap(map, { search: true });
  var colours = { open: "#c62828", in_progress: "#f2b600", resolved: "#2e7d32" };
  var bounds = [];
  // The region's kelurahan as the base layer (no tile server needed).
  fetch("/api/v1/map/boundaries/kelurahan.geojson").then(function (response) {
    return response.ok ? response.json() : null;
  }).then(function (geojson) {
    if (!geojson) { return; }
    L.geoJSON(geojson, {
      style: { color: "#0b3d6e", weight: 1, fillColor: "#dfe8f1", fillOpacity: base.tiles ? 0.05 : 0.35 },
      interactive: false
    }).addTo(map).bringToBack();
  });
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 8, weight: p.overdue ? 4 : 1, color: p.overdue ? "#000" : "#fff",
      fillColor: colours[p.status] || "#6b7280", fillOpacity: 0.9
    }).addTo(map);
    var link = document.createElement("a");
    link.href = "/officials/reports/" + p.id + "?lang=" + lang;
    link.textContent = "#" + p.id + " " + p.category;
    marker.bindPopup(link);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 }); }
  else { map.fitBounds(base.bounds); }
})();
