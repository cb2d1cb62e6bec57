/* The new-report flow of the citizen app (sigap.citizen.filing). No framework: small and fast
   on a slow phone. One Idempotency-Key per draft makes a retried submit safe. */
(function () {
  "use strict";
  var form = document.getElementById("new-report");
  if (!form) return;
  var data = form.dataset, lang = data.lang;
  var key = (self.crypto && crypto.randomUUID) ? crypto.randomUUID()
    : String(Date.now()) + Math.random().toString(16).slice(2);
  var point = null, placeOk = false, shapes = {};
  var $ = function (id) { return document.getElementById(id); };
  var api = function (path) {
    return fetch(path + (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + lang,
      {headers: {"Accept": "application/json"}}).then(function (r) {
        return r.json().then(function (body) { return {ok: r.ok, body: body}; });
      });
  };

  // 1. Category: search box filters the icons.
  $("category-search").addEventListener("input", function () {
    var q = this.value.trim().toLowerCase();
    form.querySelectorAll(".category").forEach(function (el) {
      el.hidden = q !== "" && el.dataset.name.indexOf(q) < 0;
    });
  });
  form.addEventListener("change", function (e) {
    if (e.target.name === "category") { showQuestions(e.target.value); nearby(); }
  });

  // The chosen category's extra questions (server-rendered, one fieldset per category).
  function showQuestions(code) {
    form.querySelectorAll("fieldset.questions").forEach(function (box) {
      box.hidden = box.dataset.category !== code;
    });
  }

  function answers(code) {
    var box = $("questions-" + code), found = {};
    if (!box) return null;
    box.querySelectorAll(".question").forEach(function (q) {
      var type = q.dataset.datatype, value;
      if (type === "multivaluelist") {
        value = Array.prototype.map.call(q.querySelectorAll("input:checked"),
          function (el) { return el.value; });
        if (value.length) found[q.dataset.code] = value;
      } else if (type === "singlevaluelist") {
        value = q.querySelector("input:checked");
        if (value) found[q.dataset.code] = value.value;
      } else {
        value = q.querySelector("input, textarea, select").value.trim();
        if (value) found[q.dataset.code] = value;
      }
    });
    return found;
  }

  // 2. Photos: previews, and the photo's own GPS as a suggestion.
  $("photo").addEventListener("change", function () {
    var box = $("previews");
    box.textContent = "";
    Array.prototype.forEach.call(this.files, function (file, i) {
      var img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.width = img.height = 96;
      img.alt = "";
      box.appendChild(img);
      if (i === 0 && !point) {
        file.slice(0, 131072).arrayBuffer().then(function (buf) {
          var gps = exifGps(new DataView(buf));
          if (gps && !point) { setPoint(gps[0], gps[1], data.photoGps); }
        }).catch(function () {});
      }
    });
  });

  // 3. Location: GPS, the photo's GPS, or the pin; checked against the region at once. The map
  // opens on the region; the pin appears once a place is chosen, and where it came from stays
  // written under the map.
  var map = L.map("map");
  var base = window.sigapBasemap(map, { search: function (place) {
    setPoint(place.lat, place.lon, data.sourceSearch + ": " + place.name);
  } });
  map.fitBounds(base.bounds);
  var pin = null;
  map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng, data.sourcePin); });
  var outline = L.layerGroup().addTo(map);

  function gps(asked) {
    if (asked) { $("place-source").textContent = window.sigapLocate.texts.waiting; }
    window.sigapLocate(function (pos) {
      if (point && !asked) return;  // chosen by hand (or from the photo) meanwhile
      setPoint(pos.coords.latitude, pos.coords.longitude,
               data.sourceGps + " (±" + Math.round(pos.coords.accuracy) + " m)");
    }, function (text, reason) {
      if (!asked && (point || reason === "none")) return;
      gpsProblem(text + " " + data.pickOnMap);
    });
  }
  function gpsProblem(text) {
    var el = $("place-source");
    el.textContent = text;
    el.className = "error";
  }
  $("use-gps").addEventListener("click", function () { gps(true); });
  gps(false);

  function note(text) { var el = $("place"); el.textContent = text; }

  function setPoint(lat, lon, source) {
    point = [lat, lon];
    var shown = $("place-source");
    shown.textContent = source;
    shown.className = "muted";
    if (!pin) {
      pin = L.marker(point, {draggable: true}).addTo(map);
      pin.on("dragend", function () { var p = pin.getLatLng(); setPoint(p.lat, p.lng, data.sourcePin); });
    }
    pin.setLatLng(point);
    map.setView(point, Math.max(map.getZoom(), 15));
    $("lat").value = lat; $("lon").value = lon;
    placeOk = false;
    api("/api/v1/locate?lat=" + lat + "&lon=" + lon).then(function (res) {
      if (point[0] !== lat || point[1] !== lon) return;
      var el = $("place");
      if (!res.ok) {
        el.className = "error";
        note(res.body.error ? res.body.error.message : "?");
        outline.clearLayers();
        return;
      }
      placeOk = true;
      el.className = "ok";
      var street = res.body.street ? res.body.street + ", " : "";
      note("✓ " + street + res.body.kelurahan.name + ", " + res.body.kecamatan.name);
      drawArea(res.body.kelurahan.code);
      nearby();
    });
  }

  function drawArea(code) {
    var draw = function (geometry) {
      outline.clearLayers();
      if (geometry) L.geoJSON(geometry, {style: {color: "#b91c1c", weight: 2, fill: false}}).addTo(outline);
    };
    if (shapes[code] !== undefined) return draw(shapes[code]);
    api("/api/v1/areas/" + code + "?geometry=true").then(function (res) {
      shapes[code] = res.ok ? res.body.geometry : null;
      draw(shapes[code]);
    });
  }

  // 5. Nearby open reports of the same category: support one instead of a duplicate.
  function nearby() {
    var chosen = form.querySelector("input[name=category]:checked");
    if (!chosen || !point || !placeOk) return;
    api("/api/v1/nearby?category=" + chosen.value + "&lat=" + point[0] + "&lon=" + point[1])
      .then(function (res) {
        var list = $("nearby-list");
        list.textContent = "";
        $("nearby").hidden = !res.ok || res.body.length === 0;
        if (!res.ok) return;
        res.body.forEach(function (r) { list.appendChild(nearbyItem(r)); });
      });
  }

  function nearbyItem(r) {
    var li = document.createElement("li");
    li.className = "card report-item";
    r.thumb_urls.slice(0, 2).forEach(function (url) {
      var img = document.createElement("img");
      img.src = url; img.width = img.height = 64; img.alt = "";
      li.appendChild(img);
    });
    var text = document.createElement("p");
    var said = r.description === null ? data.hiddenText : r.description;
    text.textContent = "#" + r.id + " · " + said + " (" + Math.round(r.distance_m) +
      " m · " + data.supports.replace("{n}", r.support_count) + ")";
    li.appendChild(text);
    var support = document.createElement("form");
    support.method = "post";
    support.action = "/app/reports/" + r.id + "/support?lang=" + lang;
    var csrf = document.createElement("input");
    csrf.type = "hidden"; csrf.name = "csrf"; csrf.value = data.csrf;
    var button = document.createElement("button");
    button.className = "support-instead";
    button.textContent = data.support;
    support.appendChild(csrf); support.appendChild(button);
    li.appendChild(support);
    return li;
  }

  // Errors next to their fields: the browser's own checks (required, minlength, maxlength,
  // type=email as in new.html, the server's rules) before sending, and the server's answer
  // (error.fields, placed by sigap.web.fields) after; both in the page's words.
  function fieldBox(name) {
    return Array.prototype.find.call(form.querySelectorAll("[data-field]"), function (el) {
      return el.dataset.field === name && !el.closest("[hidden]");
    });
  }
  function showField(name, message) {
    var box = fieldBox(name);
    if (!box) return null;
    var note = document.createElement("p");
    note.className = "field-error";
    note.id = "error-" + name.replace(/[^\w-]/g, "-");
    note.textContent = message;
    box.appendChild(note);
    var input = box.querySelector("textarea, input:not([type=radio]):not([type=checkbox])" +
      ":not([type=search]):not([type=hidden])") || box;
    input.setAttribute("aria-invalid", "true");
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    return input;
  }
  function clearField(box) {
    box.querySelectorAll(".field-error").forEach(function (note) {
      var input = box.querySelector("[aria-describedby~='" + note.id + "']");
      if (input) {
        var rest = input.getAttribute("aria-describedby").split(" ").filter(function (id) {
          return id !== note.id;
        }).join(" ");
        if (rest) { input.setAttribute("aria-describedby", rest); } else { input.removeAttribute("aria-describedby"); }
      }
      note.remove();
    });
    box.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    if (box.hasAttribute("aria-invalid")) box.removeAttribute("aria-invalid");
  }
  ["input", "change"].forEach(function (type) {
    form.addEventListener(type, function (e) {
      var box = e.target.closest && e.target.closest("[data-field]");
      if (box) clearField(box);
      if (e.target.name === "category" && $("photo").files.length === 0) clearField(fieldBox("photo"));
    });
  });
  function wording(el) {
    var v = el.validity, text = el.value.trim();
    if (v.valueMissing || (el.required && !text)) return data.msgMissing;
    if (v.tooShort || (el.minLength > 0 && text && text.length < el.minLength)) {
      return data.msgShort.replace("{min_length}", el.minLength);
    }
    if (v.tooLong) return data.msgLong.replace("{max_length}", el.maxLength);
    if (el.type === "email" && (v.typeMismatch || v.patternMismatch)) return data.msgEmail;
    if (el.type === "number" && (v.badInput || v.typeMismatch)) return data.msgNumber;
    return v.valid ? null : data.msgInvalid;
  }
  function problems(chosen) {
    var found = [];
    if (!chosen) { found.push(["category", data.msgCategory]); }
    var box = chosen && $("questions-" + chosen.value);
    if (box) {
      box.querySelectorAll(".question").forEach(function (q) {
        var input = q.querySelector("textarea, select, input:not([type=radio]):not([type=checkbox])");
        var text = input ? wording(input) : null;
        if (!input && q.getAttribute("aria-required") === "true" && !q.querySelector("input:checked")) {
          text = data.msgAnswer;
        }
        if (text) found.push(["attributes." + q.dataset.code, text]);
      });
    }
    if (chosen && chosen.dataset.photo && $("photo").files.length === 0) {
      found.push(["photo", chosen.dataset.photo]);
    }
    if (!point) found.push(["location", data.msgLocation]);
    ["description", "address", "email"].forEach(function (id) {
      var text = wording($(id));
      if (text) found.push([id, text]);
    });
    return found;
  }
  function showProblems(found, summary) {
    form.querySelectorAll("[data-field]").forEach(clearField);
    var first = null, elsewhere = [];
    found.forEach(function (item) {
      var input = showField(item[0], item[1]);
      if (!input) { elsewhere.push(item[1]); }
      first = first || input;
    });
    fail([summary].concat(elsewhere).join(" "), first);
  }

  // Submit: multipart with the report as JSON, the photos, and the draft's Idempotency-Key.
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var chosen = form.querySelector("input[name=category]:checked");
    var found = problems(chosen);
    if (found.length) { showProblems(found, data.msgCheck); return; }
    form.querySelectorAll("[data-field]").forEach(clearField);
    var report = {
      category: chosen ? chosen.value : "",
      lat: point ? point[0] : 0, lon: point ? point[1] : 0,
      description: $("description").value,
      reporter: {contact_visible: $("contact_visible").checked}
    };
    if ($("confidential").checked) report.confidential = true;
    if ($("address").value.trim()) report.address = $("address").value.trim();
    var given = chosen ? answers(chosen.value) : null;
    if (given) report.attributes = given;
    if ($("email").value.trim()) report.reporter.email = $("email").value.trim();
    var button = $("submit"), error = $("error");
    button.disabled = true; error.hidden = true;
    button.dataset.label = button.dataset.label || button.textContent;
    button.textContent = data.sending;
    Promise.all(Array.prototype.map.call($("photo").files, shrink)).then(function (files) {
      var body = new FormData();
      body.append("report", JSON.stringify(report));
      files.forEach(function (f) { body.append("photo", f, f.name || "photo.jpg"); });
      send(body);
    });
  });

  // Phones take 3-5 MB photos; the server keeps at most 1600 px anyway. Shrinking here makes
  // the upload several times smaller on a slow network. Anything the browser cannot decode
  // (HEIC in most browsers) is sent as it is, and the server handles it.
  var LONGEST = 1600;
  function shrink(file) {
    if (!self.createImageBitmap || !/^image\/(jpeg|png|webp)$/.test(file.type)) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 1500000) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (done) {
        canvas.toBlob(function (blob) {
          done(blob && blob.size < file.size
            ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", {type: "image/jpeg"})
            : file);
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  function send(body) {
    fetch("/app/submit?lang=" + lang, {
      method: "POST", body: body,
      headers: {"Idempotency-Key": key, "X-CSRF-Token": data.csrf, "Accept": "application/json"}
    }).then(function (r) {
      return r.json().then(function (res) {
        if (r.ok) { location.href = res.next + "&lang=" + lang; return; }
        var err = res.error || {};
        var found = Object.keys(err.fields || {}).map(function (name) {
          return [name, err.fields[name]];
        });
        showProblems(found, err.summary || err.message || String(r.status));
      });
    }).catch(function () { fail(data.retry); });
  }

  // The message above the send button; the first field in trouble gets the focus.
  function fail(message, field) {
    var button = $("submit"), error = $("error");
    button.disabled = false; button.textContent = button.dataset.label || button.textContent;
    error.textContent = message; error.hidden = false;
    if (field && field.focus) {
      field.scrollIntoView({block: "center"});
      field.focus({preventScroll: true});
    } else {
      error.scrollIntoView({block: "center"});
    }
  }

  // The GPS position in a JPEG's EXIF (APP1), as [lat, lon], or null.
  function exifGps(view) {
    if (view.byteLength < 4 || view.getUint16(0) !== 0xFFD8) return null;
    var offset = 2;
    while (offset + 4 < view.byteLength) {
      var marker = view.getUint16(offset), size = view.getUint16(offset + 2);
      if (marker === 0xFFE1 && view.getUint32(offset + 4) === 0x45786966) return tiff(view, offset + 10);
      offset += 2 + size;
    }
    return null;
  }

  function tiff(view, start) {
    var little = view.getUint16(start) === 0x4949;
    var u16 = function (o) { return view.getUint16(start + o, little); };
    var u32 = function (o) { return view.getUint32(start + o, little); };
    var entries = function (dir) {
      var found = {}, n = u16(dir);
      for (var i = 0; i < n; i++) {
        var at = dir + 2 + i * 12;
        found[u16(at)] = at;
      }
      return found;
    };
    var ifd0 = entries(u32(4));
    if (!ifd0[0x8825]) return null;
    var gps = entries(u32(ifd0[0x8825] + 8));
    var deg = function (tag) {
      if (!gps[tag]) return null;
      var at = u32(gps[tag] + 8), v = [0, 1, 2].map(function (i) {
        return u32(at + i * 8) / u32(at + i * 8 + 4);
      });
      return v[0] + v[1] / 60 + v[2] / 3600;
    };
    var ref = function (tag) { return gps[tag] ? String.fromCharCode(view.getUint8(start + gps[tag] + 8)) : ""; };
    var lat = deg(2), lon = deg(4);
    if (lat === null || lon === null) return null;
    return [ref(1) === "S" ? -lat : lat, ref(3) === "W" ? -lon : lon];
  }
})();
