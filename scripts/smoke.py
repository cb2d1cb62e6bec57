"""Prove that Sigap installs and starts as the README says, on nothing but Python, pip and venv.

Makes a brand-new virtual environment (no system site-packages, no test extras), runs the
README's install command in it word for word, imports every module of the installed package,
starts `sigap demo` on a free port with a temporary database and media folder, checks that each
app answers as it should, and stops it. Exit 0 when all of that worked; otherwise it says what
failed and exits 1. Needs only the standard library (it runs before anything is installed).

    python3 scripts/smoke.py [--keep]      # --keep: leave the temporary folder for a look
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_SECONDS = 120
IMPORT_ALL = """
import importlib, pkgutil, sigap
skip = {"sigap.migrations.env"}  # Alembic runs it inside a migration context
names = [m.name for m in pkgutil.walk_packages(sigap.__path__, "sigap.") if m.name not in skip]
for name in names:
    importlib.import_module(name)
print(f"smoke: imported all {len(names)} modules of", sigap.__file__)
"""


class Failed(Exception):
    pass


def readme_install_command() -> str:
    """The install half of the README's first `pip install ... && sigap demo` line."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    if block is None:
        raise Failed("README.md has no ```sh block")
    for line in block.group(1).splitlines():
        install, sep, run = line.partition(" && ")
        if sep and install.startswith("pip install") and run.strip() == "sigap demo":
            return install
    raise Failed("README.md's first ```sh block has no 'pip install ... && sigap demo' line")


def run(cmd: list[str] | str, shown: str = "", **kw: object) -> None:
    shown = shown or (cmd if isinstance(cmd, str) else " ".join(cmd))
    print(f"smoke: $ {shown}", flush=True)
    result = subprocess.run(cmd, check=False, **kw)  # type: ignore[call-overload]  # noqa: S603
    if result.returncode != 0:
        raise Failed(f"{shown!r} exited {result.returncode}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str, *, follow: bool = True) -> tuple[int, str, str, bytes]:
    """(status, content type, final url, body) of a GET."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as r:
            return r.status, r.headers.get("content-type", ""), r.geturl(), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type", ""), url, e.read()


def html_page(title: str, *more: str) -> Callable[[str, bytes], None]:
    def check(ctype: str, body: bytes) -> None:
        text = body.decode("utf-8")
        if not ctype.startswith("text/html") or f"<title>{title}" not in text:
            raise Failed(f"expected an HTML page titled {title!r}, got {ctype} {text[:200]!r}")
        for needle in more:
            if needle not in text:
                raise Failed(f"the page {title!r} lacks {needle!r}")

    return check


def reports(ctype: str, body: bytes) -> None:
    items = json.loads(body)["items"]
    if not ctype.startswith("application/json") or not items or "category" not in items[0]:
        raise Failed(f"expected demo reports, got {body[:200]!r}")


def services(ctype: str, body: bytes) -> None:
    listed = json.loads(body)
    if not ctype.startswith("application/json") or not listed or "service_code" not in listed[0]:
        raise Failed(f"expected Open311 services, got {body[:200]!r}")


SWAGGER = "/static/swagger/swagger-ui-bundle.js"
# path -> (where a browser ends up, check of the final page)
EXPECTED: dict[str, tuple[str, Callable[[str, bytes], None]]] = {
    "/": ("/", html_page("Peta laporan", 'id="map"')),
    "/app": ("/app", html_page("Sigap Warga")),
    "/officials": ("/officials/login?next=%2Fofficials", html_page("Masuk", 'type="password"')),
    "/admin": ("/officials/login?next=%2Fadmin%2Funits", html_page("Masuk", 'type="password"')),
    "/api/v1/reports": ("/api/v1/reports", reports),
    "/open311/v2/services.json": ("/open311/v2/services.json", services),
    "/docs": ("/docs", html_page("Sigap API", SWAGGER)),
    # the API docs' script is served here, not from a CDN
    SWAGGER: (SWAGGER, lambda ctype, body: None),
}


def wait_ready(base: str, demo: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if demo.poll() is not None:
            raise Failed(f"sigap demo exited {demo.returncode}:\n{log.read_text()[-4000:]}")
        try:
            fetch(base + "/", follow=False)
            return
        except OSError:
            time.sleep(0.5)
    raise Failed(f"sigap demo did not answer within {READY_SECONDS} s:\n{log.read_text()[-4000:]}")


def check_apps(base: str) -> None:
    for path, (lands_on, check) in EXPECTED.items():
        status, ctype, final, body = fetch(base + path)
        if status != 200 or final != base + lands_on:
            raise Failed(f"GET {path}: {status} at {final}, expected 200 at {lands_on}")
        check(ctype, body)
        print(f"smoke: GET {path} -> 200 {lands_on} ({len(body)} bytes)", flush=True)


def smoke(tmp: Path) -> None:
    install = readme_install_command()
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}")
    run(install, shell=True, cwd=ROOT, env=env)  # noqa: S604  the README's words, verbatim
    python = str(venv / "bin" / "python")
    run([python, "-c", IMPORT_ALL], "python: import every module of sigap", cwd=tmp, env=env)

    work, port = tmp / "demo", free_port()
    work.mkdir()
    log = work / "demo.log"
    env.update(SIGAP_MEDIA_DIR=str(work / "media"), SIGAP_PUBLIC_URL=f"http://127.0.0.1:{port}")
    database = f"sqlite:///{work / 'demo.db'}"
    cmd = ["sigap", "demo", "--port", str(port), "--database-url", database]
    print(f"smoke: $ {' '.join(cmd)}", flush=True)
    with log.open("wb") as out:
        demo = subprocess.Popen(cmd, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, demo, log)
        check_apps(base)
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            demo.kill()
            raise Failed("sigap demo did not stop within 30 s of SIGINT") from None
    if demo.returncode not in (0, -signal.SIGINT):
        raise Failed(f"sigap demo stopped with {demo.returncode}:\n{log.read_text()[-4000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sigap-smoke-"))
    started = time.monotonic()
    try:
        smoke(tmp)
    except Failed as e:
        print(f"smoke: FAILED: {e}", file=sys.stderr, flush=True)
        return 1
    finally:
        if args.keep:
            print(f"smoke: left {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"smoke: the README's install and `sigap demo` work ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
