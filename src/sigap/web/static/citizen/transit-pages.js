// The routes and stops pages (sigap.citizen.transit): each route badge takes its colour from
// data-color, as the CSP allows no inline style. The pages work without it (blue badges).
(function () {
  "use strict";
  var badges = document.querySelectorAll(".line[data-color]");
  for (var i = 0; i < badges.length; i++) {
    badges[i].style.background = badges[i].dataset.color;
    badges[i].style.color = "#fff";
  }
})();
