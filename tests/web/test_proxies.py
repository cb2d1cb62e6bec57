"""Which X-Forwarded-For the server believes (setting ``trusted_proxies``, passed to uvicorn
by ``sigap serve`` and ``sigap demo``): none by default, even from loopback, so a client
behind a careless proxy cannot choose its address; only the listed proxies' when set."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest
from fastapi import Request
from tests.browser.conftest import serving

from sigap import cli
from sigap.app import create_app
from sigap.config import Settings
from sigap.web.security import proxy_options

SPOOFED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def seen_by_the_app(settings: Settings) -> dict[str, Any]:
    """The client address and scheme the app sees for a request from 127.0.0.1 that says it
    was forwarded for 203.0.113.7 over https, served with ``sigap serve``'s proxy options."""
    app = create_app(settings)

    def whoami(request: Request) -> dict[str, Any]:
        return {
            "host": request.client.host if request.client else None,
            "scheme": request.url.scheme,
        }

    app.add_api_route("/api/v1/whoami", whoami)
    with serving(app, **proxy_options(settings)) as url:
        answer: dict[str, Any] = httpx.get(f"{url}/api/v1/whoami", headers=SPOOFED).json()
        return answer


def test_no_proxy_is_believed_by_default_not_even_loopback(settings: Settings) -> None:
    assert settings.trusted_proxies == []
    assert seen_by_the_app(settings) == {"host": "127.0.0.1", "scheme": "http"}


@pytest.mark.parametrize("proxies", [["127.0.0.1"], ["10.0.0.2", "127.0.0.0/8"]])
def test_a_listed_proxy_is_believed(settings: Settings, proxies: list[str]) -> None:
    behind = settings.model_copy(update={"trusted_proxies": proxies})
    assert seen_by_the_app(behind) == {"host": "203.0.113.7", "scheme": "https"}


def test_a_proxy_not_listed_is_not_believed(settings: Settings) -> None:
    elsewhere = settings.model_copy(update={"trusted_proxies": ["10.0.0.2"]})
    assert seen_by_the_app(elsewhere)["host"] == "127.0.0.1"


def test_the_setting_reads_a_comma_separated_list_and_refuses_typos(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SIGAP_TRUSTED_PROXIES", " 10.0.0.2, 192.168.0.0/16 ,")
    assert Settings().trusted_proxies == ["10.0.0.2", "192.168.0.0/16"]
    monkeypatch.setenv("SIGAP_TRUSTED_PROXIES", "10.0.0.2,proxy.local")
    with pytest.raises(ValueError, match=r"proxy\.local"):
        Settings()


def test_sigap_serve_passes_the_setting_to_uvicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    from sigap import serving

    runs: list[dict[str, Any]] = []
    monkeypatch.setattr(serving, "serve", lambda app, **options: runs.append(options))
    monkeypatch.delenv("SIGAP_TRUSTED_PROXIES", raising=False)
    cli.main(["serve"])
    monkeypatch.setenv("SIGAP_TRUSTED_PROXIES", "10.0.0.2")
    cli.main(["serve"])

    assert runs[0]["proxy_headers"] is False
    assert (runs[1]["proxy_headers"], runs[1]["forwarded_allow_ips"]) == (True, ["10.0.0.2"])
