// One report on the street map (sigapBasemap), for the official on the way there.
(function () {
  "use strict";
  var box = document.getElementById("report-map");
  var point = [Number(box.dataset.lat), Number(box.dataset.lon)];
  var map = L.map(box, { zoomControl: true });
  window.sigapBasemap(map);
  map.setView(point, 17);
  L.marker(point).addTo(map);
})();
