// "Where am I?" for every map: asks navigator.geolocation once and says what went wrong in
// words of the page's language (the texts come from templates/_locate.html). The caller
// decides what to do with a position; a problem is "denied", "failed" (no fix, timeout) or
// "none" (no geolocation at all), passed with its text.
(function () {
  "use strict";
  var texts = JSON.parse(document.getElementById("locate-texts").textContent);
  window.sigapLocate = function (found, problem) {
    if (!navigator.geolocation) { problem(texts.none, "none"); return; }
    navigator.geolocation.getCurrentPosition(found, function (error) {
      if (error.code === 1) { problem(texts.denied, "denied"); } else { problem(texts.failed, "failed"); }
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  };
  window.sigapLocate.texts = texts;
})();
