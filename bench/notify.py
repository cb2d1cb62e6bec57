"""Notification benchmarks: outbox worker throughput and live-event delay across processes.

    python -m bench notify deliver --backend postgresql --messages 2000
    python -m bench notify live --events 200

``deliver`` queues N domain messages with one webhook endpoint subscribed, then times one
worker (in this process) from the first claim until every delivery is recorded; the receiver
is a separate process answering 204 (HTTP/1.1 keep-alive). Each message costs a fan-out and a
signed POST. ``live`` starts two ``sigap serve`` processes on one PostgreSQL, holds an SSE
client on A, and commits timeline events (as a status change does: insert + NOTIFY) from this
process, measuring commit → event received on A.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

from sqlalchemy import insert

from bench.generate import prepare
from bench.http import database_url, server
from sigap import models
from sigap.config import Settings
from sigap.jobs import build_worker
from sigap.kit import utcnow
from sigap.notify import live, outbox, webhooks

RECEIVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def deliver(backend: str, messages: int) -> dict[str, Any]:
    url = database_url(backend, "sigap_bench_notify", fresh=True)
    database, _ = prepare(url)
    port = 8941
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(port)])
    try:
        time.sleep(0.5)
        with database.transaction() as session:
            webhooks.create(session, url=f"http://127.0.0.1:{port}/", events=["*"], secret="k" * 32)
            payload = {"report_id": 0, "action": "rate", "to_status": "closed", "unit": "x"}
            rows = [outbox.new_row("report.rated", payload) for _ in range(messages)]
            session.execute(insert(models.OutboxMessage.__table__), rows)
        worker = build_worker(database, Settings(database_url=url, outbox_batch=100))
        started = time.perf_counter()
        while worker.run_once():
            pass
        elapsed = time.perf_counter() - started
    finally:
        receiver.terminate()
        receiver.wait()
    with database.reading() as session:
        states = outbox.counts(session)
    database.dispose()
    assert states["delivered"] == 2 * messages, states
    return {"backend": backend, "messages": messages, "per_s": round(messages / elapsed)}


def live_delay(events: int) -> dict[str, Any]:
    url = database_url("postgresql", "sigap_bench_live", fresh=True)
    database, _ = prepare(url)
    a, b = 8942, 8943
    env = {"SIGAP_DATABASE_URL": url, "SIGAP_LIVE_POLL_S": "60"}
    command = [sys.executable, "-m", "sigap.cli", "serve", "--port"]
    with server([*command, str(a)], a, env), server([*command, str(b)], b, env):
        report_id = _submit(b)
        received: dict[int, float] = {}
        connection = http.client.HTTPConnection("127.0.0.1", a, timeout=30)
        connection.request("GET", "/api/v1/live")
        response = connection.getresponse()
        reader = threading.Thread(target=_read, args=(response, received), daemon=True)
        reader.start()
        time.sleep(0.5)
        sent: dict[int, float] = {}
        for _ in range(events):
            started = time.perf_counter()
            with database.transaction() as session:
                event_id = session.scalar(
                    insert(models.ReportEvent.__table__)
                    .values(
                        report_id=report_id,
                        action="respond",
                        from_status="open",
                        to_status="in_progress",
                        actor_kind="official",
                        data={},
                        created_at=utcnow(),
                    )
                    .returning(models.ReportEvent.id)
                )
                live.announce(session)
            sent[int(event_id or 0)] = started
            time.sleep(0.02)
        time.sleep(1)
        connection.close()
    database.dispose()
    delays = sorted((received[i] - t) * 1000 for i, t in sent.items() if i in received)
    return {
        "events": events,
        "received": len(delays),
        "p50_ms": round(statistics.median(delays), 2),
        "p95_ms": round(delays[int(len(delays) * 0.95) - 1], 2),
    }


def _submit(port: int) -> int:
    body = {"category": "sampah", "lat": -6.1754, "lon": 106.8272, "description": "Sampah."}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "POST", "/api/v1/reports", json.dumps(body), {"Content-Type": "application/json"}
    )
    report_id: int = json.load(connection.getresponse())["id"]
    connection.close()
    return report_id


def _read(response: Any, received: dict[int, float]) -> None:
    try:
        for raw in response:
            line = raw.decode().strip()
            if line.startswith("id: "):
                received[int(line[4:])] = time.perf_counter()
    except (OSError, ValueError, AttributeError):  # the benchmark closed the connection
        return


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench notify")
    parser.add_argument("what", choices=("deliver", "live"))
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args(argv)
    if args.what == "deliver":
        for backend in args.backend or ["postgresql"]:
            print(json.dumps(deliver(backend, args.messages)))
    else:
        print(json.dumps(live_delay(args.events)))
