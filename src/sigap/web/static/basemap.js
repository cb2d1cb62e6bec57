// The base of every map: the street tiles (Sigap's own, or the deployment's tile server) with
// their credit, the region's first view and, where the page asks for it, the place search box.
// The page puts its config in <script id="basemap"> (sigap.web.maps); without tiles the map
// keeps its boundaries-only look.
(function () {
  "use strict";
  window.sigapBasemap = function (map, options) {
    var config = JSON.parse(document.getElementById("basemap").textContent);
    if (config.tiles) {
      if (!map.attributionControl) { L.control.attribution().addTo(map); }
      map.attributionControl.setPrefix(false);
      L.tileLayer(config.tiles, {
        attribution: config.attribution, minZoom: 10, maxZoom: 19, maxNativeZoom: 19
      }).addTo(map);
    }
    if (options && options.search) { placeSearch(map, config.search, options.search); }
    return config;
  };

  // A search box over the map: streets, RW and areas by name (GET /api/v1/places), nearest
  // the map's centre first. Choosing a result shows it and calls picked(place) if given.
  function placeSearch(map, words, picked) {
    var box = L.DomUtil.create("div", "place-search");
    var input = L.DomUtil.create("input", "", box);
    var list = L.DomUtil.create("ul", "", box);
    var status = L.DomUtil.create("p", "place-search-status", box);
    input.type = "search";
    input.placeholder = words.placeholder;
    input.setAttribute("aria-label", words.label);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    list.id = "place-results";
    list.setAttribute("role", "listbox");
    input.setAttribute("aria-controls", list.id);
    status.setAttribute("role", "status");
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    var Control = L.Control.extend({ onAdd: function () { return box; } });
    new Control({ position: "topright" }).addTo(map);

    var timer = null, asked = 0, found = [], active = -1;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (found.length) { mark((active + (e.key === "ArrowDown" ? 1 : found.length - 1)) % found.length); }
      } else if (e.key === "Enter") {
        e.preventDefault();
        clearTimeout(timer);
        if (found.length) { choose(found[Math.max(active, 0)]); } else { ask(); }
      } else if (e.key === "Escape") {
        show([], "");
      }
    });

    function ask() {
      var q = input.value.trim();
      if (q.length < 2) { show([], ""); return; }
      var centre = map.getCenter(), mine = ++asked;
      var url = "/api/v1/places?q=" + encodeURIComponent(q) + "&lat=" + centre.lat.toFixed(5) +
        "&lon=" + centre.lng.toFixed(5);
      fetch(url, { headers: { "Accept": "application/json" } }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (places) {
        if (mine === asked) { show(places, places.length ? "" : words.none); }
      }).catch(function () {
        if (mine === asked) { show([], words.failed); }
      });
    }

    function show(places, message) {
      found = places;
      active = -1;
      list.textContent = "";
      places.forEach(function (place, i) {
        var item = L.DomUtil.create("li", "", list);
        item.id = "place-result-" + i;
        item.setAttribute("role", "option");
        var name = L.DomUtil.create("strong", "", item);
        name.textContent = place.name;
        var where = L.DomUtil.create("span", "", item);
        where.textContent = [words.kinds[place.kind], place.context].filter(Boolean).join(" · ");
        item.addEventListener("click", function () { choose(place); });
      });
      input.setAttribute("aria-expanded", places.length ? "true" : "false");
      status.textContent = message;
    }

    function mark(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (item, j) {
        item.setAttribute("aria-selected", j === i ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", "place-result-" + i);
    }

    function choose(place) {
      var b = place.bbox;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: 17, padding: [20, 20] });
      input.value = place.name;
      // Emptied after this click has gone by: Leaflet asks the clicked item's parents whether
      // the map may take the click, and a removed item has none.
      setTimeout(function () { show([], ""); }, 0);
      if (typeof picked === "function") { picked(place); }
    }
  }
})();
