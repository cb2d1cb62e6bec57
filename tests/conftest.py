"""Test databases: every test runs on SQLite and on PostgreSQL + PostGIS.

Both schemas are built by the real migrations and loaded with the bundled Jakarta pack once per
run. Isolation: SQLite tests get a fresh copy of the template file; PostgreSQL tests empty the
report tables afterwards. Outside CI a missing PostgreSQL skips its half; in CI (CI=true) it
fails the run, so nothing is skipped silently.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.demo import seed_accounts
from sigap.migrations import upgrade
from sigap.portal.fold import fold_now
from sigap.regions import pack as packs
from sigap.regions.service import import_pack

PG_ADMIN_URL = os.environ.get(
    "SIGAP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# Apps made by tests write reports from a writer process, as deployments do
# (SIGAP_WRITER_PROCESS=true, the default): forked from one template per test process, a writer
# costs an app about 25 ms of CPU instead of the 1.3 s a fresh interpreter took, and
# tests/reports + tests/open311 take the same wall time as with the writer thread
# (docs/testing.md, "The writer process in tests"). Tests that need the thread ask for it
# (writer_process=False).
# The run's name for its PostgreSQL databases: PYTEST_XDIST_WORKER as the run was started (people
# sharing a server give each run their own), kept here because pytest-xdist sets that variable to
# gw0, gw1, ... in its workers, which inherit this one; sigap_test_<run>_gw0 stays unique.
TEST_RUN = os.environ.setdefault("SIGAP_TEST_RUN", os.environ.get("PYTEST_XDIST_WORKER", "main"))
TEST_ACCOUNTS = "@test.sigap.id"  # the e-mail domain of accounts that tests create
REPORT_TABLES = (
    "auth_session",
    "sign_in_throttle",
    "idempotency_key",
    "report_reporter",
    "report_event",
    "outbox",
    "report",
    "channel",
    "webhook_endpoint",
    "admin_event",  # the admin audit: tests that expect a trail of their own see only theirs
    # --- portal: counts kept by triggers on report (TRUNCATE fires no row triggers) ---
    "stat_area",
    "stat_month",
    "stat_hist",
    "stat_unit",
    "stat_unit_hist",
    "map_cell",
    "stat_pending",  # PostgreSQL's queue of counts not yet folded in (0014_pending_stats)
    # --- transit: feeds a test imported (sigap.transit.store) ---
    "transit_feed",
    "transit_network",
    # --- the fare card: its ledger, cards, validators and taps (sigap.cards) ---
    "card_leg",
    "card_tap",
    "card_topup",
    "card",
    "validator",
    "ledger_entry",
    "ledger_txn",
    "ledger_account",
    # --- market (sigap.market) ---
    "market_order_event",
    "market_order_item",
    "market_order",
    "market_budget",
    "market_review",
    "market_word",
    "market_gram",
    "market_vocab",
    "market_product",
    "market_licence",
    "market_seller",
)


@dataclass
class Backend:
    name: str
    template_url: str  # sqlite: the template file; postgresql: the test database


def load_jakarta(url: str) -> None:
    """Migrate and import the Jakarta pack with its demo accounts (the tests' template)."""
    upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        pack = packs.read(packs.resolve("jakarta"))
        import_pack(session, pack)
        seed_accounts(session, pack.meta["demo_accounts"])
    database.dispose()


def _postgres_backend(worker: str) -> Backend:
    name = f"sigap_test_{worker}"
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:
        message = f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    load_jakarta(url)
    return Backend("postgresql", url)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Backend:
    if request.param == "postgresql":
        worker = os.environ.get("PYTEST_XDIST_WORKER", TEST_RUN)
        return _postgres_backend(TEST_RUN if worker == TEST_RUN else f"{TEST_RUN}_{worker}")
    template = tmp_path_factory.mktemp("sqlite") / "template.db"
    load_jakarta(f"sqlite:///{template}")
    return Backend("sqlite", str(template))


def _sqlite_copy(backend: Backend, path: Path) -> str:
    shutil.copyfile(backend.template_url, path)
    return f"sqlite:///{path}"


@pytest.fixture
def free_port() -> int:
    """A loopback TCP port nothing listens on, for servers that tests start."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def database_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    if backend.name == "sqlite":
        yield _sqlite_copy(backend, tmp_path / "sigap.db")
        return
    yield backend.template_url
    engine = create_engine(backend.template_url)
    with engine.begin() as connection:
        _empty_report_tables(connection)
        # Accounts a test made (the demo accounts of the template stay).
        connection.execute(
            text("DELETE FROM account WHERE email LIKE :domain OR phone IS NOT NULL"),
            {"domain": f"%{TEST_ACCOUNTS}"},
        )
    engine.dispose()


_WIPED = text(
    """
    WITH RECURSIVE wiped(oid) AS (
        SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relname = ANY(:names)
        UNION
        SELECT con.conrelid FROM pg_constraint con JOIN wiped w ON con.confrelid = w.oid
        WHERE con.contype = 'f'
    )
    SELECT t.relname, s.relname FROM wiped w JOIN pg_class t ON t.oid = w.oid
    LEFT JOIN pg_depend d ON d.refobjid = t.oid AND d.deptype IN ('a', 'i')
        AND d.classid = 'pg_class'::regclass
    LEFT JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
    """
)
_wiped: dict[str, tuple[list[str], list[str]]] = {}


def _empty_report_tables(connection: Any) -> None:
    """What ``TRUNCATE REPORT_TABLES RESTART IDENTITY CASCADE`` does, at a fraction of its cost:
    TRUNCATE gives each table and index a new file, which took 0.7-0.9 s a test on the two-core
    machine (docs/perf-log.md, 2026-12-08); DELETE of the few rows a test made takes
    milliseconds. As with TRUNCATE, no row trigger fires (the portal's counts are emptied with
    their tables) and no foreign key is checked (``session_replication_role``); the tables
    that reference these, found once from the catalogue, are emptied too (TRUNCATE's CASCADE)
    and the sequences of them all restart."""
    key = str(connection.engine.url)
    if key not in _wiped:
        rows = connection.execute(_WIPED, {"names": list(REPORT_TABLES)}).all()
        tables = sorted({table for table, _ in rows})
        _wiped[key] = tables, sorted({sequence for _, sequence in rows if sequence})
    tables, sequences = _wiped[key]
    deletes = "".join(f'DELETE FROM "{table}";' for table in tables)  # noqa: S608 (names from the catalogue)
    restarts = ", ".join(f"setval('\"{sequence}\"', 1, false)" for sequence in sequences)
    connection.exec_driver_sql(f"SET LOCAL session_replication_role = replica;{deletes}")
    connection.exec_driver_sql(f"SELECT {restarts}")


@pytest.fixture
def isolated_database_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own, for tests that change reference data (region imports)."""
    if backend.name == "sqlite":
        yield _sqlite_copy(backend, tmp_path / "isolated.db")
        return
    template = make_url(backend.template_url)
    name = f"{template.database}_isolated"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"'))
    yield template.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def fresh_database(backend: Backend) -> Callable[[Path, str], str]:
    """Makes empty databases with the schema only, on the test's engine (for other packs)."""
    return lambda path, suffix: _fresh_database(backend, path, suffix)


def _fresh_database(backend: Backend, path: Path, suffix: str) -> str:
    if backend.name == "sqlite":
        url = f"sqlite:///{path}"
    else:
        name = f"{make_url(backend.template_url).database}_{suffix}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(backend.template_url).set(database=name).render_as_string(False)
    upgrade(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        public_url="http://sigap.test",
        media_dir=str(tmp_path / "media"),
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def until(condition: Callable[[], bool], timeout_s: float = 60) -> bool:
    """Whether ``condition`` came true within ``timeout_s``: tests of served processes wait
    for a count of answers, not a window of time, which a loaded machine fills more slowly."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def fold_before_reads(client: TestClient) -> None:
    """On PostgreSQL the portal's counts are folded in by the worker every couple of seconds
    (``sigap.portal.fold``), never by a read; a test that reads them right after its changes
    folds before each GET, as if the worker just had."""
    database = client.app.state.db  # type: ignore[attr-defined]

    def fold(request: Any) -> None:
        if request.method == "GET":
            fold_now(database)

    client.event_hooks["request"].append(fold)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the database it runs on (``-m sqlite``, ``-m "not postgresql"``): the
    ``backend`` parameter, whether a test asks for it directly or through another fixture."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        name = callspec.params.get("backend") if callspec is not None else None
        if name in ("sqlite", "postgresql"):
            item.add_marker(name)
