// The routes and stops pages (sigap.citizen.transit): each route badge takes its colour from
// data-color, as the CSP allows no inline style; a route's page draws its stop sequences on
// the street map (route-shape). The pages work without it (blue badges, the lists).
(function () {
  "use strict";
  var badges = document.querySelectorAll(".line[data-color]");
  for (var i = 0; i < badges.length; i++) {
    badges[i].style.background = badges[i].dataset.color;
    badges[i].style.color = "#fff";
  }
  var shape = document.getElementById("route-shape");
  if (!shape || !window.L) return;
  var route = JSON.parse(shape.textContent);
  var map = L.map("route-map");
  window.sigapRouteMap = map;  // for the browser tests
  window.sigapBasemap(map);
  var colour = route.color || "#1d4ed8", bounds = [];
  route.lines.forEach(function (line) {
    L.polyline(line, { color: colour, weight: 5, opacity: 0.85 }).addTo(map);
    line.forEach(function (p) {
      bounds.push(p);
      L.circleMarker(p, { radius: 4, color: colour, fillColor: "#fff", fillOpacity: 1 }).addTo(map);
    });
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
})();
