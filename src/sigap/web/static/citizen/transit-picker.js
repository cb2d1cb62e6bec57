/* The route and stop pickers of a transit category's questions (sigap.reports.transit): the
   routes from /api/v1/transit/routes, then the chosen route's stops and stations, in order,
   from /api/v1/transit/routes/{id}. Without a network the pickers stay empty (the questions
   are optional unless the pack says otherwise). Names are set with textContent. */
(function () {
  "use strict";
  var form = document.getElementById("new-report");
  if (!form) return;
  var lang = form.dataset.lang;

  function get(path) {
    return fetch(path + "?lang=" + lang, {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }
  function option(select, value, text) {
    var el = document.createElement("option");
    el.value = value;
    el.textContent = text;
    select.appendChild(el);
  }
  function reset(select, text) {
    select.textContent = "";
    option(select, "", text);
  }

  var routes = form.querySelectorAll("select[data-transit=route]");
  if (!routes.length) return;
  get("/api/v1/transit/routes").then(function (found) {
    if (!found) return;
    routes.forEach(function (select) {
      found.forEach(function (route) {
        var name = [route.short_name, route.long_name].filter(Boolean).join(" ");
        option(select, route.id, name + " (" + route.agency.name + ")");
      });
    });
  });
  routes.forEach(function (select) {
    var box = select.closest("fieldset.questions");
    var stops = box && box.querySelector("select[data-transit=stop]");
    if (!stops) return;
    select.addEventListener("change", function () {
      var chosen = select.value;
      reset(stops, stops.dataset.empty);
      if (!chosen) return;
      get("/api/v1/transit/routes/" + encodeURIComponent(chosen)).then(function (route) {
        if (!route || select.value !== chosen) return;
        reset(stops, stops.dataset.choose);
        var seen = {};
        route.sequences.forEach(function (sequence) {
          sequence.stops.forEach(function (stop) {
            var id = stop.station_id || stop.stop_id;
            if (!id || seen[id]) return;
            seen[id] = true;
            option(stops, id, stop.name);
          });
        });
      });
    });
  });
})();
