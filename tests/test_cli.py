"""The ``sigap`` command as an operator uses it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sigap.regions import pack as packs


def sigap(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "sigap.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_help_explains_every_command() -> None:
    result = sigap("--help")

    assert result.returncode == 0
    for command in ("demo", "serve", "db", "import-region"):
        assert command in result.stdout
    assert "--workers" in sigap("serve", "--help").stdout
    assert "--database-url" in sigap("demo", "--help").stdout


def test_upgrade_then_import_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new/sigap.db"

    upgraded = sigap("db", "upgrade", "--database-url", url)
    imported = sigap("import-region", "jakarta", "--database-url", url)
    again = sigap("import-region", "jakarta", "--database-url", url)

    assert upgraded.returncode == 0, upgraded.stderr
    assert imported.returncode == 0, imported.stderr
    assert "318 areas" in imported.stdout
    assert "(new)" in imported.stdout
    assert "(unchanged)" in again.stdout
    with sqlite3.connect(tmp_path / "new" / "sigap.db") as connection:
        (kelurahan,) = connection.execute(
            "SELECT count(*) FROM area WHERE level = 'kelurahan'"
        ).fetchone()
    assert kelurahan == 267


def test_a_broken_pack_is_refused_with_reasons(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(packs.resolve("jakarta"), pack)
    (pack / "routing.csv").write_text("category_code,area_code,unit_code\nbanjir,31,nobody\n")
    url = f"sqlite:///{tmp_path}/sigap.db"
    sigap("db", "upgrade", "--database-url", url)

    result = sigap("import-region", str(pack), "--database-url", url)

    assert result.returncode == 1
    assert "nothing changed" in result.stdout
    assert "routing.csv:1: unknown unit 'nobody'" in result.stdout
    with sqlite3.connect(tmp_path / "sigap.db") as connection:
        assert connection.execute("SELECT count(*) FROM area").fetchone() == (0,)
