"""Webhooks reach public receivers only (issue #24): registration refuses internal targets, and
each delivery resolves once, checks every address and connects to the checked one, so a name
that changes its answer after registration (DNS rebinding) reaches nothing inside."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sigap import models
from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.notify import webhooks
from sigap.notify.worker import Worker

from .conftest import MONAS, FakeDNS, Receiver, admin_headers, drain

FORBIDDEN = [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "metadata"),
    ("http://127.0.0.1:6379/", "127.0.0.1", "loopback"),
    ("http://localhost/hook", "127.0.0.1|::1", "loopback"),  # a name: /etc/hosts answers
    ("http://10.0.0.1/", "10.0.0.1", "private"),
    ("http://192.168.1.1/", "192.168.1.1", "private"),
    ("http://172.16.5.4/", "172.16.5.4", "private"),
    ("http://[::1]/", "::1", "loopback"),
    ("http://0.0.0.0:22/", "0.0.0.0", "unspecified"),  # noqa: S104 - a target, not a bind
    ("http://2130706433/", "127.0.0.1", "loopback"),  # one integer
    ("http://0x7f.1/", "127.0.0.1", "loopback"),
    ("http://017700000001/", "127.0.0.1", "loopback"),  # octal
    # IPv6 carrying IPv4: judged by the IPv4 inside (mapped, NAT64 of 10.0.0.1, 6to4)
    ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1", "loopback"),
    ("http://[64:ff9b::a00:1]/", "64:ff9b::a00:1", "private"),
    ("http://[2002:c0a8:101::1]/", "2002:c0a8:101::1", "private"),
    ("http://[fd00::1]/", "fd00::1", "private"),
    ("http://[fd00:ec2::254]/", "fd00:ec2::254", "metadata"),
    ("http://[fe80::1]/", "fe80::1", "link-local"),
    ("http://224.0.0.1/", "224.0.0.1", "multicast"),
    ("http://[ff02::1]/", "ff02::1", "multicast"),
    ("http://100.64.0.1/", "100.64.0.1", "private"),  # carrier-grade NAT
    ("http://100.100.100.200/", "100.100.100.200", "metadata"),
    ("http://192.0.0.192/", "192.0.0.192", "metadata"),
    ("http://240.0.0.1/", "240.0.0.1", "reserved"),
    ("http://255.255.255.255/", "255.255.255.255", "reserved"),
    ("http://[2001:db8::1]/", "2001:db8::1", "reserved"),
    ("https://intranet.sigap.test/hook", "10.1.2.3", "private"),  # a name: the fake DNS
    ("https://mixed.sigap.test/hook", "192.168.0.9", "private"),  # one bad answer of two
]


def register(client: TestClient, url: str, **params: str) -> Any:
    return client.post(
        "/api/v1/admin/webhooks",
        json={"url": url, "events": ["*"]},
        headers=admin_headers(client),
        params=params,
    )


@pytest.fixture
def names(dns: FakeDNS) -> FakeDNS:
    dns.names["intranet.sigap.test"] = ["10.1.2.3"]
    dns.names["mixed.sigap.test"] = ["93.184.216.34", "192.168.0.9"]
    dns.names["public.sigap.test"] = ["93.184.216.34", "2606:4700::1111"]
    return dns


def test_registration_refuses_internal_targets(client: TestClient, names: FakeDNS) -> None:
    """One app for the whole table (an app per URL would start 30 apps per database)."""
    expected, found = [], []
    for url, address, reason in FORBIDDEN:
        refused = register(client, url)
        error = refused.json()["error"]
        detail = error.get("details", [{}])[0]
        seen = detail.get("address")
        expected.append((url, 422, "webhook_target_forbidden", "body.url", reason, True))
        found.append((
            url, refused.status_code, error["code"], detail.get("field"), detail.get("reason"),
            seen in address.split("|") and seen in error["message"],
        ))  # fmt: skip

    assert found == expected
    assert client.get("/api/v1/admin/webhooks", headers=admin_headers(client)).json() == []


def test_the_refusal_is_told_in_indonesian_and_in_english(client: TestClient) -> None:
    indonesian = register(client, "http://10.0.0.1/").json()["error"]["message"]
    english = register(client, "http://10.0.0.1/", lang="en").json()["error"]["message"]

    assert indonesian.startswith("Webhook tidak boleh dikirim ke 10.0.0.1")
    assert "SIGAP_WEBHOOK_ALLOW" in indonesian
    assert english.startswith("Webhooks may not be sent to 10.0.0.1")
    assert "SIGAP_WEBHOOK_ALLOW" in english


def test_public_receivers_are_registered(client: TestClient, names: FakeDNS) -> None:
    urls = [
        "https://93.184.216.34/hook",
        "https://[2606:4700::1111]/hook",
        "https://public.sigap.test/hook",
        "https://lapor.example/hook",  # does not resolve (yet): every delivery checks it
    ]

    answers = [register(client, url) for url in urls]

    assert [a.status_code for a in answers] == [201] * len(urls), answers[-1].text
    listed = client.get("/api/v1/admin/webhooks", headers=admin_headers(client)).json()
    assert [e["url"] for e in listed] == urls


@pytest.fixture
def on_premise(settings: Settings) -> Iterator[TestClient]:
    allowing = settings.model_copy(update={"webhook_allow": "10.20.0.0/16, fd12:3456::/32"})
    with TestClient(create_app(allowing)) as test_client:
        yield test_client


def test_the_allow_list_lets_through_its_networks_only(on_premise: TestClient) -> None:
    allowed = ["http://10.20.1.2:8080/sigap", "http://[fd12:3456::7]/sigap"]
    refused = ["http://10.21.0.1/", "http://127.0.0.1/", "http://169.254.169.254/"]

    assert [register(on_premise, url).status_code for url in allowed] == [201, 201]
    assert [register(on_premise, url).status_code for url in refused] == [422, 422, 422]


def test_a_bad_allow_list_stops_the_start() -> None:
    with pytest.raises(ValueError, match="webhook_allow"):
        Settings(webhook_allow="10.0.0.0/8, 10.0.0.300")


def rows(database: Database) -> list[models.OutboxMessage]:
    with database.reading() as session:
        return list(session.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.id)))


def stored_endpoint(database: Database, url: str) -> None:
    """An endpoint stored before this check existed (or aimed through a name since)."""
    with database.transaction() as session:
        webhooks.create(session, url=url, events=["*"], secret="s" * 32)


def test_a_delivery_to_a_forbidden_address_is_dead_at_once_with_the_reason(
    client: TestClient,
    database: Database,
    receiver: Receiver,
    make_worker: Callable[..., Worker],
) -> None:
    stored_endpoint(database, receiver.url)
    client.post("/api/v1/reports", json=MONAS)

    drain(make_worker(webhook_allow="", outbox_max_attempts=10))

    assert receiver.requests == []
    delivery = rows(database)[1]
    assert (delivery.topic, delivery.state, delivery.attempts) == ("webhook.send", "dead", 1)
    assert (delivery.last_error or "").startswith("TargetForbidden: 127.0.0.1 (loopback)")
    dead = client.get("/api/v1/admin/outbox?state=dead", headers=admin_headers(client)).json()[
        "items"
    ]
    assert [m["id"] for m in dead] == [delivery.id]


def test_dns_rebinding_after_registration_reaches_nothing(
    client: TestClient,
    database: Database,
    receiver: Receiver,
    dns: FakeDNS,
    make_worker: Callable[..., Worker],
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    dns.names["rebind.sigap.test"] = ["93.184.216.34"]  # public while it is checked
    assert register(client, f"http://rebind.sigap.test:{port}/hook").status_code == 201
    dns.names["rebind.sigap.test"] = ["127.0.0.1"]  # then it points inside
    client.post("/api/v1/reports", json=MONAS)

    drain(make_worker(webhook_allow=""))

    assert receiver.requests == []
    delivery = rows(database)[1]
    assert delivery.state == "dead"
    assert "rebind.sigap.test resolves to 127.0.0.1 (loopback)" in (delivery.last_error or "")


def test_a_delivery_connects_to_the_address_it_checked_with_the_name_as_host(
    receivers_client: TestClient,
    database: Database,
    receiver: Receiver,
    dns: FakeDNS,
    make_worker: Callable[..., Worker],
) -> None:
    """One lookup per delivery: a second one (by the HTTP library, as before) would get the
    second answer, an address nothing listens on, and the delivery would fail."""
    port = receiver.url.split(":")[2].split("/")[0]
    answers = iter([["127.0.0.1"], ["127.0.0.1"], ["127.0.0.2"], ["127.0.0.2"]])
    dns.names["hooks.sigap.test"] = lambda: next(answers)
    made = register(receivers_client, f"http://hooks.sigap.test:{port}/hook")
    assert made.status_code == 201, made.text  # the first answer: the registration's check
    report_id = receivers_client.post("/api/v1/reports", json=MONAS).json()["id"]

    drain(make_worker())

    ((headers, _body),) = receiver.requests
    assert headers["Host"] == f"hooks.sigap.test:{port}"
    assert receiver.events()[0]["data"]["report_id"] == report_id
    assert dns.lookups == ["hooks.sigap.test", "hooks.sigap.test"]  # registration, delivery
    assert {m.state for m in rows(database)} == {"delivered"}


def test_redirects_are_not_followed(
    receivers_client: TestClient,
    database: Database,
    receiver: Receiver,
    make_worker: Callable[..., Worker],
) -> None:
    receiver.status = 307
    receiver.location = "http://169.254.169.254/latest/meta-data/"
    assert register(receivers_client, receiver.url).status_code == 201
    receivers_client.post("/api/v1/reports", json=MONAS)

    make_worker().run_once()  # fan-out
    make_worker().run_once()  # the delivery: one request, answered 307

    assert len(receiver.requests) == 1
    delivery = rows(database)[1]
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert (delivery.last_error or "").endswith("answered 307")
