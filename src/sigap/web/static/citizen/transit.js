// The journey planner of the citizen app (/app/transit, sigap.citizen.transit): From and To by
// search (stations and stops of the network, then the region's places), a pin on the map or
// the phone's location; the options of /api/v1/transit/plan in words and on the map; a stop's
// next departures. Recent places and the last plan stay in localStorage, so a journey already
// planned shows without a network. Frequency-based rides are said as "every N minutes" with
// "about" times: the planner estimates them, no timetable exists.
(function () {
  "use strict";
  var root = document.getElementById("transit");
  if (!root) return;
  var lang = root.dataset.lang;
  var words = JSON.parse(document.getElementById("transit-texts").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var RECENT = "sigap.transit.recent", SAVED = "sigap.transit.saved", LAST = "sigap.transit.last";
  var ends = { from: null, to: null }, armed = null, markers = {}, current = null;

  function say(key, params) {
    return String(words[key]).replace(/\{(\w+)\}/g, function (all, name) {
      return params && name in params ? params[name] : all;
    });
  }
  function el(tag, cls, text, parent) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function store(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or private */ }
  }
  function stored(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  // A JSON GET: resolves {ok, status, body}; rejects only when the network failed.
  function get(path) {
    var url = path + (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + lang;
    return fetch(url, { headers: { "Accept": "application/json" } }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        return { ok: r.ok, status: r.status, body: body };
      });
    });
  }
  function clock(iso) { return iso.slice(11, 16); }  // the network's own wall-clock time
  function minutes(seconds) { return say("minutes", { n: Math.max(1, Math.round(seconds / 60)) }); }
  function problem(res) {
    return res.body && res.body.error ? res.body.error.message : say("offline");
  }

  // --- the map ---------------------------------------------------------------------------
  var map = L.map("transit-map");
  window.sigapTransitMap = map;  // for the browser tests, as the portal's window.sigapMap
  var base = window.sigapBasemap(map);
  map.fitBounds(base.bounds);
  var drawn = L.layerGroup().addTo(map);
  var FIT = { padding: [30, 30] };
  map.on("click", function (e) {
    var which = armed || (!ends.from ? "from" : !ends.to ? "to" : null);
    if (!which) return;
    choose(which, { name: say("pin_name"), lat: e.latlng.lat, lon: e.latlng.lng }, false);
  });

  // --- From and To ----------------------------------------------------------------------
  function arm(which) {
    armed = armed === which ? null : which;
    ["from", "to"].forEach(function (w) {
      $(w + "-pin").setAttribute("aria-pressed", armed === w ? "true" : "false");
    });
    status(armed ? say("pin_armed_" + armed) : "");
    if (armed) $("transit-map").scrollIntoView({ block: "center", behavior: "smooth" });
  }
  function status(text, isError) {
    var line = $("journey-status");
    line.textContent = text;
    line.className = isError ? "error" : "muted";
  }

  function choose(which, place, remember) {
    ends[which] = { name: place.name, lat: place.lat, lon: place.lon };
    $(which + "-q").value = place.name;
    if (remember) { recall(place); }
    if (!markers[which]) {
      markers[which] = L.marker([place.lat, place.lon], {
        draggable: true, title: say(which === "from" ? "start" : "destination"),
        icon: L.divIcon({ className: "end-pin end-" + which, iconSize: [24, 24], iconAnchor: [12, 12],
                          html: which === "from" ? "A" : "B" })
      }).addTo(map);
      markers[which].on("dragend", function () {
        var p = markers[which].getLatLng();
        choose(which, { name: say("pin_name"), lat: p.lat, lon: p.lng }, false);
      });
    }
    markers[which].setLatLng([place.lat, place.lon]);
    if (armed) { arm(armed); }
    if (ends.from && ends.to) {
      map.fitBounds([[ends.from.lat, ends.from.lon], [ends.to.lat, ends.to.lon]], FIT);
    } else {
      map.setView([place.lat, place.lon], Math.max(map.getZoom(), 15));
    }
  }

  function recall(place) {
    var list = (stored(RECENT) || []).filter(function (p) { return p.name !== place.name; });
    list.unshift({ name: place.name, lat: place.lat, lon: place.lon, context: place.context || "" });
    store(RECENT, list.slice(0, 6));
  }

  // A search box with its list of suggestions: stations and stops of the network first, then
  // the region's places; the recent places while the box is empty.
  function suggest(input, list, search, picked) {
    var timer = null, asked = 0;
    function show(items, note) {
      list.textContent = "";
      items.forEach(function (item, i) {
        var row = el("li", "", null, list);
        row.id = list.id + "-" + i;
        row.setAttribute("role", "option");
        row.tabIndex = -1;
        el("strong", "", item.name, row);
        if (item.context) { el("span", "", item.context, row); }
        row.addEventListener("mousedown", function (e) { e.preventDefault(); });
        row.addEventListener("click", function () { list.textContent = ""; picked(item); });
        row.addEventListener("keydown", function (e) {
          if (e.key === "Enter") { list.textContent = ""; picked(item); input.focus(); }
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            var next = e.key === "ArrowDown" ? row.nextSibling : row.previousSibling;
            if (next && next.tabIndex === -1) { next.focus(); } else if (!next) { input.focus(); }
          }
          if (e.key === "Escape") { show([], ""); input.focus(); }
        });
      });
      if (note) { el("li", "note", note, list); }
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { show(search === places ? recentItems() : []); return; }
      timer = setTimeout(function () {
        var mine = ++asked;
        show([], say("searching"));
        search(q).then(function (items) {
          if (mine === asked) show(items, items.length ? "" : say("nothing_found"));
        }, function () { if (mine === asked) show([], say("offline")); });
      }, 250);
    });
    input.addEventListener("focus", function () {
      if (input.value.trim().length < 2 && search === places) { show(recentItems(), ""); }
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { show([], ""); }
      if (e.key === "ArrowDown" && list.firstChild && list.firstChild.tabIndex === -1) {
        e.preventDefault(); list.firstChild.focus();
      }
    });
    input.addEventListener("blur", function () { setTimeout(function () { show([], ""); }, 200); });
  }
  // An empty box offers the saved places (named by the citizen), then the recent ones.
  function recentItems() {
    var saved = stored(SAVED) || [];
    var recent = (stored(RECENT) || []).filter(function (p) {
      return !saved.some(function (k) { return k.name === p.name || (k.lat === p.lat && k.lon === p.lon); });
    });
    return saved.map(function (p) {
      return { name: p.name, lat: p.lat, lon: p.lon, context: say("saved_place") };
    }).concat(recent.map(function (p) {
      return { name: p.name, lat: p.lat, lon: p.lon, context: say("recent") };
    }));
  }
  function save(which) {
    var place = ends[which];
    if (!place) { status(say("save_nothing"), true); return; }
    var name = window.prompt(say("save_name"), place.name);
    if (!name || !name.trim()) return;
    name = name.trim().slice(0, 80);
    var list = (stored(SAVED) || []).filter(function (p) { return p.name !== name; });
    list.unshift({ name: name, lat: place.lat, lon: place.lon });
    store(SAVED, list.slice(0, 10));
    ends[which].name = name;
    $(which + "-q").value = name;
    status(say("save_done", { name: name }));
  }

  function stops(q) {
    return get("/api/v1/transit/stops?limit=5&q=" + encodeURIComponent(q)).then(function (res) {
      if (!res.ok) return [];
      return res.body.map(function (s) {
        var lines = s.routes.map(routeName).filter(Boolean).slice(0, 3).join(", ");
        return { id: s.id, name: s.name, lat: s.lat, lon: s.lon,
                 context: say("kind_stop") + (lines ? " · " + lines : "") };
      });
    });
  }
  function places(q) {
    var c = map.getCenter();
    var found = get("/api/v1/places?limit=6&q=" + encodeURIComponent(q) + "&lat=" +
      c.lat.toFixed(5) + "&lon=" + c.lng.toFixed(5)).then(function (res) {
      if (!res.ok) return [];
      return res.body.filter(function (p) { return p.kind !== "station"; }).map(function (p) {
        return { name: p.name, lat: p.lat, lon: p.lon,
                 context: [base.search.kinds[p.kind], p.context].filter(Boolean).join(" · ") };
      });
    });
    return Promise.all([stops(q), found]).then(function (both) { return both[0].concat(both[1]); });
  }
  ["from", "to"].forEach(function (which) {
    suggest($(which + "-q"), $(which + "-list"), places, function (item) {
      choose(which, item, true);
    });
    $(which + "-pin").addEventListener("click", function () { arm(which); });
    $(which + "-save").addEventListener("click", function () { save(which); });
  });

  $("from-gps").addEventListener("click", function () {
    status(window.sigapLocate.texts.waiting);
    window.sigapLocate(function (pos) {
      status("");
      choose("from", { name: say("my_location"), lat: pos.coords.latitude, lon: pos.coords.longitude }, false);
    }, function (text) {
      armed = null;
      arm("from");  // no position: a pin (or the search) instead, said next to the reason
      status(text + " " + say("pin_armed_from"), true);
    });
  });
  $("swap").addEventListener("click", function () {
    var from = ends.from, to = ends.to;
    ends.from = ends.to = null;
    ["from", "to"].forEach(function (w) {
      if (markers[w]) { map.removeLayer(markers[w]); markers[w] = null; }
      $(w + "-q").value = "";
    });
    if (to) choose("from", to, false);
    if (from) choose("to", from, false);
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[name=when]"), function (radio) {
    radio.addEventListener("change", function () {
      var at = $("when-at").checked || $("when-by").checked;
      $("when-fields").hidden = !at;
      if (at && !$("depart").value) {
        var now = new Date();
        $("depart").value = String(now.getHours()).padStart(2, "0") + ":" +
          String(now.getMinutes()).padStart(2, "0");
      }
    });
  });

  // --- planning ---------------------------------------------------------------------------
  $("journey").addEventListener("submit", function (e) {
    e.preventDefault();
    if (!ends.from || !ends.to) { status(say("need_both"), true); return; }
    var query = "from_lat=" + ends.from.lat.toFixed(6) + "&from_lon=" + ends.from.lon.toFixed(6) +
      "&to_lat=" + ends.to.lat.toFixed(6) + "&to_lon=" + ends.to.lon.toFixed(6);
    if ($("when-at").checked || $("when-by").checked) {
      var key = $("when-by").checked ? "&arrive=" : "&depart=";  // arrive by: the latest way
      if ($("depart").value) query += key + $("depart").value;
      if ($("date").value) query += "&date=" + $("date").value;
    }
    status(say("planning"));
    $("plan").disabled = true;
    var asked = { from: ends.from, to: ends.to };
    get("/api/v1/transit/plan?" + query).then(function (res) {
      $("plan").disabled = false;
      if (!res.ok) { status(problem(res), true); clear(); return; }
      status("");
      var saved = { plan: res.body, from: asked.from, to: asked.to, saved: new Date().toISOString() };
      store(LAST, saved);
      show(saved, "");
    }, function () {
      $("plan").disabled = false;
      var last = stored(LAST);
      if (last) { status(""); show(last, say("offline_saved", { when: when(last.saved) })); }
      else { status(say("offline"), true); }
    });
  });

  function when(iso) {
    var d = new Date(iso);
    return d.toLocaleString(lang === "en" ? "en-GB" : "id-ID",
      { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  function clear() {
    $("options").textContent = "";
    $("results-note").hidden = true;
    drawn.clearLayers();
  }

  function show(saved, note) {
    clear();
    current = saved;
    var body = saved.plan, list = $("options"), line = $("results-note");
    if (note) { line.textContent = note; line.className = "note"; line.hidden = false; }
    if (!body.options.length) {
      line.textContent = (note ? note + " " : "") + say("no_journey");
      line.className = "error";
      line.hidden = false;
    }
    body.options.forEach(function (option, i) { list.appendChild(optionCard(option, i)); });
    if (body.options.length) { draw(body.options[0]); }
    credits(body.credits);
  }

  // An option's fare from the region's fare rules (the API's fare, whole rupiah), or that it
  // is not known: never a guess.
  function fare(amount) {
    if (amount === null || amount === undefined) { return say("fare_unknown"); }
    if (amount === 0) { return say("fare_free"); }
    var lang = document.documentElement.lang === "en" ? "en-US" : "id-ID";
    return say("fare", { amount: amount.toLocaleString(lang) });
  }

  function optionCard(option, i) {
    var item = el("li", "option card");
    var open = el("details", "", null, item);
    open.open = i === 0;
    var head = el("summary", "", null, open);
    var times = el("span", "times", null, head);
    var dep = clock(option.depart), arr = clock(option.arrive);
    var rides = option.legs.filter(function (l) { return l.kind === "ride"; });
    // Times before the first frequency-based ride are a timetable's; from it on, estimates.
    var depAbout = rides.length > 0 && rides[0].estimated;
    times.textContent = (depAbout ? say("about", { t: dep }) : dep) + " → " +
      (option.estimated ? say("about", { t: arr }) : arr);
    el("span", "duration", minutes(option.duration_s), head);
    var facts = el("span", "facts", null, head);
    rides.forEach(function (leg) { facts.appendChild(badge(leg.route)); });
    el("span", "", option.transfers === 0 ? say("direct")
      : option.transfers === 1 ? say("transfer_one") : say("transfers", { n: option.transfers }), facts);
    if (option.walk_m > 0) { el("span", "", say("walk_total", { m: option.walk_m }), facts); }
    el("span", "fare", fare(option.fare), facts);
    if (option.estimated) { el("p", "muted small", say("estimated_note"), open); }
    if (option.fare_rule_set) {
      el("p", "muted small", say("fare_note", { rules: option.fare_rule_set }), open);
    }
    var steps = el("ol", "steps", null, open);
    option.legs.forEach(function (leg) { steps.appendChild(step(leg)); });
    el("li", "step arrive", say("arrive", { t: option.estimated ? say("about", { t: arr }) : arr }), steps);
    var mapButton = el("button", "secondary small", say("show_map"), open);
    mapButton.type = "button";
    mapButton.addEventListener("click", function () {
      draw(option);
      $("transit-map").scrollIntoView({ block: "center", behavior: "smooth" });
    });
    open.addEventListener("toggle", function () { if (open.open) draw(option); });
    return item;
  }

  function routeName(route) {
    var mode = { metro: "mode_metro", rail: "mode_rail", bus: "mode_bus" }[route.mode];
    var name = route.short_name || route.long_name || "";
    return (mode && route.short_name ? say(mode) + " " : "") + name;
  }
  function badge(route) {
    var b = el("span", "line", routeName(route));
    if (route.color) { b.style.background = route.color; b.style.color = "#fff"; }
    return b;
  }

  function step(leg) {
    var item = el("li", "step " + leg.kind);
    if (leg.kind === "walk") {
      item.textContent = leg.end.name
        ? say("step_walk_to", { m: leg.distance_m, place: leg.end.name })
        : say("step_walk_end", { m: leg.distance_m });
      var over = leg.walk_over === "streets" ? say("walk_streets") : say("walk_straight");
      el("span", "muted small", " · " + minutes(leg.duration_s) + " · " + over, item);
      return item;
    }
    var rail = leg.route.mode === "metro" || leg.route.mode === "rail";
    var params = { route: routeName(leg.route), headsign: leg.headsign, place: leg.end.name,
                   n: leg.stops, unit: say((rail ? "unit_station" : "unit_stop") + (leg.stops === 1 ? "" : "s")) };
    var text = el("p", "", null, item);
    text.appendChild(badge(leg.route));
    text.appendChild(document.createTextNode(" " + say(leg.headsign ? "step_ride" : "step_ride_plain", params)));
    var times = leg.every
      ? say("leaves_every", { every: leg.every, t: clock(leg.depart), place: leg.start.name })
      : say("leaves_at", { t: clock(leg.depart), place: leg.start.name });
    el("p", "muted small", times + " · " + minutes(leg.duration_s), item);
    var stop = leg.start.station_id || leg.start.stop_id;
    if (stop) {
      var button = el("button", "secondary small", say("show_departures"), item);
      button.type = "button";
      button.addEventListener("click", function () { departures(stop); });
    }
    return item;
  }

  // The legs on the map: walks dashed (along their streets), rides in the route's colour
  // through the stops of the route between boarding and alighting (GET /routes/{id}; the
  // straight line without it).
  var routes = {};
  function draw(option) {
    drawn.clearLayers();
    var bounds = [];
    option.legs.forEach(function (leg) {
      var a = [leg.start.lat, leg.start.lon], b = [leg.end.lat, leg.end.lon];
      bounds.push(a, b);
      if (leg.kind === "walk") {  // along the streets when the planner walked them
        var walked = leg.path && leg.path.length > 1 ? leg.path : [a, b];
        bounds.push.apply(bounds, walked);
        L.polyline(walked, { color: "#555", weight: 4, dashArray: "4 8" }).addTo(drawn);
        return;
      }
      var colour = leg.route.color || "#1d4ed8";
      var line = L.polyline([a, b], { color: colour, weight: 6, opacity: 0.85 }).addTo(drawn);
      L.circleMarker(a, { radius: 6, color: colour, fillColor: "#fff", fillOpacity: 1 })
        .bindTooltip(leg.start.name).addTo(drawn);
      L.circleMarker(b, { radius: 6, color: colour, fillColor: "#fff", fillOpacity: 1 })
        .bindTooltip(leg.end.name).addTo(drawn);
      if (leg.path) { line.setLatLngs(leg.path); return; }
      path(leg).then(function (points) {
        if (!points) return;
        line.setLatLngs(points);
        leg.path = points;  // kept with the last plan: its map offline too
        if (current && current.plan.options.some(function (o) { return o === option; })) {
          store(LAST, current);
        }
      }, function () {});
    });
    if (bounds.length) map.fitBounds(bounds, FIT);
  }
  function path(leg) {
    var id = leg.route.id;
    if (!routes[id]) {
      routes[id] = get("/api/v1/transit/routes/" + encodeURIComponent(id)).then(function (res) {
        return res.ok ? res.body : null;
      });
    }
    return routes[id].then(function (route) {
      if (!route) return null;
      var from = [leg.start.stop_id, leg.start.station_id], to = [leg.end.stop_id, leg.end.station_id];
      var hit = function (place, ids) {
        return ids.indexOf(place.stop_id) >= 0 || (place.station_id && ids.indexOf(place.station_id) >= 0);
      };
      for (var s = 0; s < route.sequences.length; s++) {
        var seq = route.sequences[s].stops, i = -1, j = -1;
        for (var k = 0; k < seq.length; k++) {
          if (i < 0 && hit(seq[k], from)) i = k;
          else if (i >= 0 && hit(seq[k], to)) { j = k; break; }
        }
        if (i >= 0 && j > i) {
          return seq.slice(i, j + 1).map(function (p) { return [p.lat, p.lon]; });
        }
      }
      return null;
    });
  }

  function credits(list) {
    if (!list || !list.length) return;
    $("credits-text").textContent = list.map(function (c) {
      return c.agencies.join(", ") + (c.credit ? " (" + c.credit + ")" : "");
    }).join(" · ");
    $("credits").hidden = false;
  }

  // --- a stop's next departures ----------------------------------------------------------
  suggest($("stop-q"), $("stop-list"), stops, function (item) {
    $("stop-q").value = item.name;
    departures(item.id);
  });

  function departures(stop) {
    var box = $("departures-list");
    box.textContent = "";
    el("p", "muted", say("searching"), box);
    $("departures").scrollIntoView({ block: "start", behavior: "smooth" });
    get("/api/v1/transit/stops/" + encodeURIComponent(stop) + "/departures").then(function (res) {
      box.textContent = "";
      if (!res.ok) { el("p", "error", problem(res), box); return; }
      var body = res.body;
      var title = el("a", "", body.stop.name, el("h3", "", null, box));
      title.href = "/app/transit/stops/" + encodeURIComponent(body.stop.id) + "?lang=" + lang;
      el("p", "muted small", say("departures_at", { t: clock(body.after) }), box);
      if (!body.departures.length) { el("p", "", say("departures_none"), box); return; }
      var list = el("ul", "departures", null, box);
      body.departures.forEach(function (d) {
        var row = el("li", "", null, list);
        el("span", "time", d.estimated ? say("about", { t: clock(d.time) }) : clock(d.time), row);
        row.appendChild(badge(d.route));
        el("span", "", d.headsign ? say("towards", { headsign: d.headsign }) : "", row);
        if (d.every) {
          var span = d.until ? d.every + ", " + say("until", { t: clock(d.until) }) : d.every;
          el("span", "muted small every", span, row);
        }
      });
      credits(body.credits);
    }, function () {
      box.textContent = "";
      el("p", "error", say("offline"), box);
    });
  }

  // A journey already planned shows at once, even offline (the page itself comes from the
  // service worker's cache then).
  var last = stored(LAST);
  if (last && last.plan) {
    choose("from", last.from, false);
    choose("to", last.to, false);
    show(last, say("saved", { when: when(last.saved) }));
  }

  // ?from=STOP or ?to=STOP (the stop pages' "plan from here"): that stop as the end.
  var asked = new URLSearchParams(window.location.search);
  ["from", "to"].forEach(function (which) {
    var id = asked.get(which);
    if (!id) return;
    get("/api/v1/transit/stops/" + encodeURIComponent(id)).then(function (res) {
      if (res.ok) { choose(which, res.body, false); }
    }, function () {});
  });
})();
