"""Installable: the manifest, the service worker and its scope, and the app shell's weight."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from sigap.citizen.pwa import SHELL

SHELL_BUDGET = 200 * 1024  # bytes, before photos (issue 7)


def test_manifest_names_the_app_in_the_requested_language(client: TestClient) -> None:
    response = client.get("/app/manifest.webmanifest?lang=en")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Sigap Citizens"
    assert manifest["start_url"] == "/app"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    client.cookies.clear()  # forget the English chosen above (the sigap_lang cookie)
    assert client.get("/app/manifest.webmanifest").json()["name"] == "Sigap Warga"


def test_service_worker_caches_the_shell_within_its_scope(client: TestClient) -> None:
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/app"
    cached = json.loads(response.text.split("const SHELL = ")[1].split(";")[0])
    assert cached == list(SHELL)
    page = client.get("/app")
    assert '<link rel="manifest" href="/app/manifest.webmanifest' in page.text
    assert '<script src="/static/citizen/register.js"></script>' in page.text
    registration = client.get("/static/citizen/register.js")
    assert 'register("/app/sw.js", { scope: "/app" })' in registration.text


def test_the_app_shell_weighs_less_than_200_kb(client: TestClient) -> None:
    """Every file the shell caches plus the heaviest page (the new-report form), as a phone
    downloads them (static files gzipped)."""
    paths = [*SHELL, "/app/new", "/app/manifest.webmanifest", "/app/sw.js"]
    sizes = {}
    for path in paths:
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, path
        sizes[path] = response.num_bytes_downloaded
    assert all(size > 0 for size in sizes.values()), sizes
    total = sum(sizes.values())
    print(f"app shell: {total} bytes ({total / 1024:.1f} KiB)", sizes)
    assert total <= SHELL_BUDGET, sizes


def test_static_files_are_gzipped_for_clients_that_accept_it(client: TestClient) -> None:
    gzipped = client.get("/static/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/static/leaflet/leaflet.js", headers={"Accept-Encoding": "identity"})
    assert gzipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert gzipped.content == plain.content
    assert gzipped.num_bytes_downloaded < plain.num_bytes_downloaded / 2


def test_every_app_page_is_mobile_ready_and_bilingual(client: TestClient) -> None:
    for path in ("/app", "/app/new", "/app/signin", "/app/signup", "/app/transit"):
        client.cookies.clear()  # each path's default, not the English remembered before
        indonesian = client.get(path)
        english = client.get(f"{path}?lang=en")
        assert indonesian.status_code == english.status_code == 200
        assert 'name="viewport"' in indonesian.text
        assert indonesian.headers["content-language"] == "id"
        assert english.headers["content-language"] == "en"
    client.cookies.clear()
    assert "Lapor masalah" in client.get("/app").text
    assert "Report a problem" in client.get("/app?lang=en").text


def test_the_journey_planner_is_kept_for_offline_with_its_words_in_both_languages(
    client: TestClient,
) -> None:
    worker = client.get("/app/sw.js").text
    pages = json.loads(worker.split("const PAGES = ")[1].split(";")[0])
    prefixes = json.loads(worker.split("const PREFIXES = ")[1].split(";")[0])
    assert pages == ["/app/transit"]
    assert prefixes == ["/app/transit/routes", "/app/transit/stops/"]
    assert "/static/citizen/transit.js" in SHELL
    for lang, ride in (("id", "Naik {route} arah {headsign}"), ("en", "Take {route} towards")):
        page = client.get(f"/app/transit?lang={lang}").text
        words = json.loads(page.split('<script id="transit-texts" type="application/json">')[1]
                           .split("</script>")[0])  # fmt: skip
        assert words["step_ride"].startswith(ride)
        assert 'href="/app/transit?lang=' in page  # in the app's navigation
