/* The reports in view, under the map (beside it on a desktop): newest first, 20 at a time
   through /api/v1/reports (bbox + the map's filters, keyset paging with its cursor), read
   again half a second after the map stops moving. Text from reports is set with textContent. */
(function () {
  "use strict";
  var PAGE = 20, WAIT_MS = 500;

  window.sigapInView = function (map, config, filterParams) {
    var list = document.getElementById("inview");
    var more = document.getElementById("inview-more");
    var empty = document.getElementById("inview-empty");
    var timer = null, ticket = 0, cursor = null;
    var ages = window.Intl && Intl.RelativeTimeFormat ?
      new Intl.RelativeTimeFormat(config.lang, { numeric: "auto" }) : null;

    /* The map's filters as /api/v1/reports reads them: its dates are whole local days, the
       API's are times (local when written without an offset), its "until" is exclusive. */
    function query(after) {
      var filters = filterParams(), params = new URLSearchParams();
      ["category", "status", "area", "route"].forEach(function (name) {
        filters.getAll(name).forEach(function (value) { params.append(name, value); });
      });
      if (filters.get("since")) { params.set("since", filters.get("since") + "T00:00:00"); }
      if (filters.get("until")) { params.set("until", nextDay(filters.get("until")) + "T00:00:00"); }
      if (filters.get("overdue")) { params.set("overdue", "1"); }
      var b = map.getBounds();
      params.set("bbox", [Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90),
        Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90)].map(function (v) {
        return v.toFixed(5);
      }).join(","));
      params.set("sort", "-created_at");
      params.set("limit", String(PAGE));
      if (after) { params.set("cursor", after); }
      return params;
    }
    function nextDay(day) {
      var d = new Date(day + "T00:00:00Z");
      d.setUTCDate(d.getUTCDate() + 1);
      return d.toISOString().slice(0, 10);
    }
    function age(iso) {
      var seconds = (new Date(iso).getTime() - Date.now()) / 1000;
      var steps = [[60, "second"], [3600, "minute"], [86400, "hour"], [2592000, "day"],
        [31536000, "month"], [Infinity, "year"]];
      var unit = 1;
      for (var i = 0; i < steps.length; i++) {
        if (Math.abs(seconds) < steps[i][0]) {
          var value = Math.round(seconds / unit);
          return ages ? ages.format(value, steps[i][1]) : new Date(iso).toLocaleDateString();
        }
        unit = steps[i][0];
      }
      return "";
    }
    function row(item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "/reports/" + item.id + "?lang=" + config.lang;
      link.textContent = (config.categoryNames[item.category] || item.category) + " #" + item.id;
      var badge = document.createElement("span");
      badge.className = "badge st-" + ({ open: "open", in_progress: "progress",
        resolved: "resolved" }[item.status] || "closed");
      badge.textContent = config.statusNames[item.status] || item.status;
      var where = document.createElement("span");
      where.className = "muted";
      where.textContent = (config.areaNames[item.kelurahan] || item.kelurahan) + " · " +
        age(item.created_at);
      li.appendChild(link); li.appendChild(document.createTextNode(" "));
      li.appendChild(badge); li.appendChild(document.createElement("br"));
      li.appendChild(where);
      return li;
    }
    function load(append) {
      var mine = ++ticket;
      fetch("/api/v1/reports?" + query(append ? cursor : null).toString())
        .then(function (r) { return r.ok ? r.json() : { items: [], next_cursor: null }; })
        .then(function (page) {
          if (mine !== ticket) { return; }
          if (!append) { list.textContent = ""; }
          page.items.forEach(function (item) { list.appendChild(row(item)); });
          cursor = page.next_cursor;
          more.hidden = !cursor;
          empty.hidden = list.children.length > 0;
          list.setAttribute("data-loaded", String(mine));
        });
    }
    function refresh() {
      clearTimeout(timer);
      timer = setTimeout(function () { load(false); }, WAIT_MS);
    }
    more.addEventListener("click", function () { load(true); });
    map.on("moveend", refresh);
    load(false);
    return { refresh: refresh };
  };
})();
