"""The writer process (sigap.writer): what deployments use to store submitted reports.

Through the HTTP API on both databases: a report submitted is stored and read back,
concurrent submissions are batched without a lost or doubled report, and a writer that dies
fails only what it had not answered (503, nothing acknowledged) and is replaced, forked by the
template of writers, itself replaced if it ended. Retries with an Idempotency-Key go through
the writer process in tests/reports/test_idempotency.py; every app that tests make runs one
(tests/conftest.py).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.errors import SigapError
from sigap.writer import ProcessWriter, _write, frame, frames

BODY = {"category": "sampah", "lat": -6.1754, "lon": 106.8272, "description": "Sampah menumpuk"}


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database_url,
        media_dir=str(tmp_path / "media"),
        writer_process=True,
        address_reports_per_hour=1000,  # one test client posts them all: load, not a flood
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def writer_of(client: TestClient) -> ProcessWriter[object, object]:
    writer = client.app.state.report_writer  # type: ignore[attr-defined]
    assert isinstance(writer, ProcessWriter)
    return writer


def test_frames_wait_for_the_rest_of_a_frame() -> None:
    whole = frame({"a": 1}) + frame([2, 3])
    buffer = bytearray(whole[:-1])
    assert list(frames(buffer)) == [{"a": 1}]
    buffer += whole[-1:]
    assert list(frames(buffer)) == [[2, 3]]
    assert buffer == b""


def test_one_bad_submission_fails_alone_and_errors_cross_the_socket(database: Database) -> None:
    """The child's side of a batch: committed together, retried one by one when that fails;
    a SigapError crosses as itself (its code and status reach the client), anything else by
    name only."""

    def handler(session: object, items: list[str]) -> list[str]:
        if "bad" in items:
            raise ValueError("bad item")
        if "taken" in items:
            raise SigapError("idempotency_key_reused")
        return [item.upper() for item in items]

    answers = _write(database, handler, lambda result: f"<{result}>", list(enumerate("abc")))
    assert answers == [(0, True, "<A>"), (1, True, "<B>"), (2, True, "<C>")]
    answers = _write(database, handler, str, [(1, "a"), (2, "bad"), (3, "taken"), (4, "c")])
    assert answers[0] == (1, True, "A")
    assert answers[3] == (4, True, "C")
    assert answers[1][:2] == (2, False)
    assert isinstance(answers[1][2], RuntimeError)
    assert str(answers[1][2]) == "ValueError: bad item"
    assert answers[2][:2] == (3, False)
    assert isinstance(answers[2][2], SigapError)
    assert answers[2][2].code == "idempotency_key_reused"
    assert answers[2][2].status == 409


def test_a_report_is_stored_by_the_writer_process(client: TestClient) -> None:
    writer = writer_of(client)
    assert writer.pid is not None
    assert writer.pid != os.getpid()
    created = client.post("/api/v1/reports", json=BODY)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["kelurahan"]["code"] == "31.71.01.1001"
    assert body["timeline"][0]["action"] == "submit"
    stored = client.get(f"/api/v1/reports/{body['id']}").json()
    assert stored["description"] == BODY["description"]
    assert stored["created_at"] == body["created_at"]
    tracked = client.get(body["tracking_url"].removeprefix("http://127.0.0.1:8000"))
    assert tracked.json()["id"] == body["id"]


def test_concurrent_submissions_each_get_their_own_report(client: TestClient) -> None:
    ids: list[int] = []

    def post(n: int) -> None:
        for i in range(10):
            body = {**BODY, "description": f"laporan {n}-{i}"}
            response = client.post("/api/v1/reports", json=body)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == len(set(ids)) == 80
    for report_id in ids[::9]:
        body = client.get(f"/api/v1/reports/{report_id}").json()
        assert body["description"].startswith("laporan ")
    listed = client.get("/api/v1/reports", params={"limit": 100}).json()["items"]
    assert sorted(item["id"] for item in listed) == sorted(ids)


def test_a_dead_writer_fails_what_it_held_and_is_replaced(client: TestClient) -> None:
    writer = writer_of(client)
    first_pid = writer.pid
    assert first_pid is not None
    os.kill(first_pid, signal.SIGSTOP)  # the submission below is sent but never answered
    answers: list[Any] = []
    waiting = threading.Thread(
        target=lambda: answers.append(client.post("/api/v1/reports", json=BODY))
    )
    waiting.start()
    time.sleep(0.5)
    assert not answers
    os.kill(first_pid, signal.SIGKILL)
    waiting.join(timeout=10)
    assert answers[0].status_code == 503
    error = answers[0].json()["error"]
    assert error["code"] == "writer_unavailable"
    english = client.post("/api/v1/reports", json=BODY, headers={"Accept-Language": "en"})
    assert english.status_code == 201, english.text  # a new writer took over
    assert writer.pid not in (None, first_pid)
    assert client.get("/api/v1/reports").json()["items"][0]["id"] == english.json()["id"]
    assert len(client.get("/api/v1/reports").json()["items"]) == 1  # the failed one is not there


def parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_writers_are_forked_by_a_template_replaced_if_it_ends(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer is a child of the template (``python -m sigap.writer``, this process's
    child), which has no configuration on its command line; a template that ended is started
    again at the next writer's start, and while none can be started a submission gets a 503."""
    writer = writer_of(client)
    first = writer.pid
    assert first is not None
    template = parent(first)
    assert parent(template) == os.getpid()
    assert Path(f"/proc/{template}/comm").read_text() == "sigap-writers\n"
    assert Path(f"/proc/{first}/comm").read_text() == "sigap-writer\n"
    command = Path(f"/proc/{template}/cmdline").read_bytes().split(b"\0")
    assert command[1:3] == [b"-m", b"sigap.writer"]
    assert b"://" not in b" ".join(command)
    os.kill(template, signal.SIGKILL)
    os.kill(first, signal.SIGKILL)
    with monkeypatch.context() as patch:
        patch.setattr(sys, "executable", str(tmp_path / "no-python"))
        for _ in range(2):  # the first may still find the killed writer's socket open
            refused = client.post("/api/v1/reports", json=BODY)
            assert refused.status_code == 503, refused.text
            assert refused.json()["error"]["code"] == "writer_unavailable"
    created = client.post("/api/v1/reports", json=BODY)
    assert created.status_code == 201, created.text
    assert writer.pid not in (None, first)
    assert parent(writer.pid) != template
    assert parent(parent(writer.pid)) == os.getpid()
    assert [item["id"] for item in client.get("/api/v1/reports").json()["items"]] == [
        created.json()["id"]
    ]
