// The market's maps (sigap.citizen.market, shopforms), all on the street tiles of basemap.js:
// the browse page's products as pins, with a place search box and "near me" (either fills the
// form's lat/lon and searches there); a product's or shop's pickup point; the seller's forms'
// pickup point picker (a tap moves the pin and fills the latitude and longitude fields).
// Every page works without it: the lists, the kelurahan choices and the coordinate fields.
(function () {
  "use strict";
  if (!window.L) return;
  var form = document.getElementById("market-search");

  function centre(place) {
    var b = place.bbox;
    return [(b[1] + b[3]) / 2, (b[0] + b[2]) / 2];
  }

  function searchAt(lat, lon) {
    document.getElementById("lat").value = lat.toFixed(6);
    document.getElementById("lon").value = lon.toFixed(6);
    document.getElementById("kelurahan").value = "";
    document.getElementById("kecamatan").value = "";
    form.submit();
  }

  var browse = document.getElementById("market-map");
  if (browse) {
    var map = L.map(browse);
    window.sigapMarketMap = map;  // for the browser tests
    var config = window.sigapBasemap(map, {
      search: function (place) { var c = centre(place); searchAt(c[0], c[1]); }
    });
    var pins = JSON.parse(document.getElementById("market-pins").textContent), bounds = [];
    pins.forEach(function (p) {
      var link = document.createElement("a");
      link.href = p.url + location.search.replace(/^.*?(lang=[a-z]+).*$/, "?$1");
      link.textContent = p.name + " · " + p.price;
      L.marker([p.lat, p.lon]).bindPopup(link).addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    var lat = parseFloat(document.getElementById("lat").value);
    var lon = parseFloat(document.getElementById("lon").value);
    if (!isNaN(lat)) { L.circle([lat, lon], { radius: 3000, weight: 1 }).addTo(map); bounds.push([lat, lon]); }
    if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    else map.fitBounds(config.bounds);
    var near = document.getElementById("near-me");
    if (navigator.geolocation) {
      near.hidden = false;
      near.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (at) {
          searchAt(at.coords.latitude, at.coords.longitude);
        });
      });
    }
  }

  var point = document.getElementById("point-map");
  if (point) {
    var pmap = L.map(point);
    window.sigapPointMap = pmap;
    var conf = window.sigapBasemap(pmap, point.dataset.fixed ? undefined : {
      search: function (place) { var c = centre(place); put(c[0], c[1]); }
    });
    var marker = null;
    var latField = document.getElementById("f-lat"), lonField = document.getElementById("f-lon");
    function put(la, lo) {
      if (marker) marker.setLatLng([la, lo]); else marker = L.marker([la, lo]).addTo(pmap);
      pmap.setView([la, lo], Math.max(pmap.getZoom() || 16, 16));
      if (latField) { latField.value = la.toFixed(6); lonField.value = lo.toFixed(6); }
    }
    var la0 = parseFloat(point.dataset.lat), lo0 = parseFloat(point.dataset.lon);
    if (!isNaN(la0) && !isNaN(lo0)) { pmap.setView([la0, lo0], 16); put(la0, lo0); }
    else pmap.fitBounds(conf.bounds);
    if (!point.dataset.fixed) {
      pmap.on("click", function (e) { put(e.latlng.lat, e.latlng.lng); });
    }
  }
})();
