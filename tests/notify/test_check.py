"""``sigap check``: says what is wrong with the configuration and connections, exits 1 if any."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.transit.feeds import FILES, import_feeds, write

from sigap.transit import store

from .conftest import Inbox, child_env


def check(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sigap.cli", "check"],
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_ready_deployment_passes(
    database_url: str, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    _, port = smtp

    result = check(
        SIGAP_DATABASE_URL=database_url,
        SIGAP_SMTP_HOST="127.0.0.1",
        SIGAP_SMTP_PORT=str(port),
        SIGAP_MEDIA_DIR=str(tmp_path / "media"),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["ok", "public_url"],
        ["ok", "database"],
        ["ok", "migrations"],
        ["ok", "region"],
        ["ok", "transit"],
        ["ok", "smtp"],
        ["ok", "media"],
    ]
    assert "31 (318 areas)" in result.stdout
    assert "no feed imported (sigap import-gtfs)" in result.stdout


def test_a_feed_whose_calendars_are_over_is_named(database_url: str, tmp_path: Path) -> None:
    over = FILES["calendar.txt"].replace("20261231", "20201231").replace("20260101", "20200101")
    import_feeds(
        database_url,
        store.load(write(tmp_path / "old", **{"calendar.txt": over}), "old"),
        store.load(write(tmp_path / "new"), "new"),
    )

    result = check(SIGAP_DATABASE_URL=database_url, SIGAP_MEDIA_DIR=str(tmp_path / "media"))

    assert result.returncode == 1
    [line] = [line for line in result.stdout.splitlines() if line.split()[1:2] == ["transit"]]
    assert line.startswith("FAIL  transit")
    assert "old (ended 2020-12-31)" in line
    assert "new" not in line.split(":", 1)[1]


def test_every_problem_is_named_with_its_fix(tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path}/empty.db"
    (tmp_path / "a-file").write_text("not a folder")

    result = check(
        SIGAP_MEDIA_DIR=str(tmp_path / "a-file"),
        SIGAP_DATABASE_URL=empty,
        SIGAP_PUBLIC_URL="sigap.example",
        SIGAP_SMTP_HOST="127.0.0.1",
        SIGAP_SMTP_PORT="1",
    )

    assert result.returncode == 1
    failed = {
        line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("FAIL")
    }
    assert set(failed) == {"public_url", "migrations", "region", "smtp", "media"}
    assert "run 'sigap db upgrade'" in failed["migrations"]
    assert "must start with http" in failed["public_url"]


def test_an_unreachable_database_is_reported(free_port: int, tmp_path: Path) -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port}/sigap"

    result = check(SIGAP_DATABASE_URL=url, SIGAP_MEDIA_DIR=str(tmp_path))

    assert result.returncode == 1
    assert "FAIL  database" in result.stdout
    assert "migrations" not in result.stdout


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_the_connections_a_server_may_open_are_set_against_max_connections(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        most = int(connection.scalar(text("SHOW max_connections")))
        reserved = int(connection.scalar(text("SHOW superuser_reserved_connections")))
    engine.dispose()
    fits = check(SIGAP_DATABASE_URL=database_url, SIGAP_MEDIA_DIR=str(tmp_path))
    room = (most - reserved - (4 * 2 + 3)) // (4 * 10 + 3)
    assert f"max_connections {most}: room for {room} server process(es)" in fits.stdout

    too_big = check(
        SIGAP_DATABASE_URL=database_url,
        SIGAP_MEDIA_DIR=str(tmp_path),
        SIGAP_DB_POOL_SIZE=str(most // 4 + 1),  # one server process alone is over
    )
    assert too_big.returncode == 1
    failed = [line for line in too_big.stdout.splitlines() if line.startswith("FAIL  database")]
    assert failed
    assert "raise max_connections or lower SIGAP_DB_POOL_SIZE" in failed[0]


def test_the_operators_whose_feed_is_missing_are_named(database_url: str, tmp_path: Path) -> None:
    import_feeds(database_url, store.load(write(tmp_path / "mrt"), "mrt"))

    result = check(SIGAP_DATABASE_URL=database_url, SIGAP_MEDIA_DIR=str(tmp_path / "media"))

    [line] = [line for line in result.stdout.splitlines() if line.split()[1:2] == ["transit"]]
    assert line.split()[0] == "ok"  # a note, not a failure: the planner works without them
    # The Jakarta pack maps mrt:MRTJ, krl:KAI-COMMUTER and tj:Tije; only a feed named mrt is in.
    assert line.endswith("operators without their feed: krl:KAI-COMMUTER, tj:Tije")
