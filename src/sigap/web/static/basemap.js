// The base of every map: the street tiles (Sigap's own, or the deployment's tile server) with
// their credit, and the region's first view. The page puts its config in <script id="basemap">
// (sigap.web.maps); without tiles the map keeps its boundaries-only look.
(function () {
  "use strict";
  window.sigapBasemap = function (map) {
    var config = JSON.parse(document.getElementById("basemap").textContent);
    if (config.tiles) {
      if (!map.attributionControl) { L.control.attribution().addTo(map); }
      map.attributionControl.setPrefix(false);
      L.tileLayer(config.tiles, {
        attribution: config.attribution, minZoom: 10, maxZoom: 19, maxNativeZoom: 19
      }).addTo(map);
    }
    return config;
  };
})();
