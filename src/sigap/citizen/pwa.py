"""Installable app: the web manifest and the service worker, both served under /app so the
worker's scope is the app (a worker controls only paths below its own URL).

The worker caches the app shell (stylesheets, scripts, icons, the Leaflet files) on install
and serves them cache-first; pages and the API always go to the network (a report's state must
be fresh), falling back to the cached home page when offline. The journey planner's page
(``OFFLINE_PAGES``) is kept as last fetched, so offline it opens and shows the journey planned
last (kept in the browser's localStorage by static/citizen/transit.js); so are the routes and
stops pages a rider opened (``OFFLINE_PREFIXES``).
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sigap.deps import language_of
from sigap.web.texts import translate

router = APIRouter(prefix="/app", include_in_schema=False)
VERSION = "citizen-5"
SHELL = (
    "/app",
    "/static/sigap.css",
    "/static/citizen/citizen.css",
    "/static/citizen/new.js",
    "/static/citizen/register.js",
    "/static/citizen/transit.js",
    "/static/citizen/icon.svg",
    "/static/citizen/icon-192.png",
    "/static/citizen/icon-512.png",
    "/static/leaflet/leaflet.js",
    "/static/leaflet/leaflet.css",
    "/static/basemap.js",
    "/static/maps.css",
    "/static/locate.js",
)
OFFLINE_PAGES = ("/app/transit",)
# Pages under these paths are kept too, each as last fetched: the network's routes and stops
# pages a rider opened (a route's stops, a stop's next departures as they were then).
OFFLINE_PREFIXES = ("/app/transit/routes", "/app/transit/stops/")


@router.get("/manifest.webmanifest")
def manifest(request: Request) -> Response:
    language = language_of(request)
    body = {
        "name": translate(language, "app_name"),
        "short_name": "Sigap",
        "description": translate(language, "app_tagline"),
        "lang": language,
        "start_url": "/app",
        "scope": "/app",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b91c1c",
        "icons": [
            {"src": "/static/citizen/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/citizen/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": "/static/citizen/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return Response(json.dumps(body), media_type="application/manifest+json")


SERVICE_WORKER = """
const CACHE = %(version)s;
const SHELL = %(shell)s;
const PAGES = %(pages)s;
const PREFIXES = %(prefixes)s;
const kept = (path) => PAGES.includes(path) || PREFIXES.some((prefix) => path.startsWith(prefix));
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
  self.skipWaiting();
});
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)))));
  self.clients.claim();
});
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate" && kept(url.pathname)) {
    event.respondWith(fetch(request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
      }
      return response;
    }).catch(() => caches.match(url.pathname).then((hit) => hit || caches.match("/app"))));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match("/app")));
  }
});
"""


@router.get("/sw.js")
def service_worker() -> Response:
    script = SERVICE_WORKER % {
        "version": json.dumps(VERSION),
        "shell": json.dumps(SHELL),
        "pages": json.dumps(OFFLINE_PAGES),
        "prefixes": json.dumps(OFFLINE_PREFIXES),
    }
    return Response(
        script,
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/app", "Cache-Control": "no-cache"},
    )
