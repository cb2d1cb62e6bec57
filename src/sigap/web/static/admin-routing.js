// The routing tester's map: the region's kelurahan (no tiles); a click fills lat/lon and asks
// the server where a report there would go; the tested point is marked.
(function () {
  "use strict";
  var point = JSON.parse(document.getElementById("route-point").textContent);
  var map = L.map("route-map", { zoomControl: true });
  var base = window.sigapBasemap(map);
  fetch("/api/v1/map/boundaries/kelurahan.geojson").then(function (response) {
    return response.ok ? response.json() : null;
  }).then(function (geojson) {
    if (!geojson) { return; }
    var layer = L.geoJSON(geojson, {
      style: { color: "#0b3d6e", weight: 1, fillColor: "#dfe8f1", fillOpacity: base.tiles ? 0.05 : 0.35 },
      interactive: false
    }).addTo(map).bringToBack();
    if (!point) { map.fitBounds(layer.getBounds()); }
  });
  if (point) {
    L.circleMarker([point.lat, point.lon], {
      radius: 9, color: "#fff", weight: 2, fillColor: "#c62828", fillOpacity: 1
    }).addTo(map);
    map.setView([point.lat, point.lon], 14);
  } else {
    map.fitBounds(base.bounds);
  }
  map.on("click", function (event) {
    document.getElementById("tester-lat").value = event.latlng.lat.toFixed(6);
    document.getElementById("tester-lon").value = event.latlng.lng.toFixed(6);
    document.getElementById("tester").submit();
  });
})();
