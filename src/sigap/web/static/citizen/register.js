// Every page of the citizen app: install the app's service worker (sigap.citizen.pwa).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/app/sw.js", { scope: "/app" }).catch(function () {});
}
