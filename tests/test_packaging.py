"""What a person installing Sigap relies on: declared dependencies, the lock, the README.

scripts/smoke.py proves the install end to end in a brand-new virtual environment (CI runs it
first); these checks are the quick half that runs with every test run and names the culprit.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from sigap.regions.pack import BUNDLED

pytestmark = pytest.mark.slow  # fresh interpreters import sigap

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(r) for r in PYPROJECT["dependencies"]]
TEST = [Requirement(r) for r in PYPROJECT["optional-dependencies"]["test"]]
# The extras a deployment may add (osm: pyosmium), imported only by the code that needs them.
OPTIONAL = [
    Requirement(r)
    for extra, requirements in PYPROJECT["optional-dependencies"].items()
    if extra != "test"
    for r in requirements
]


def locked() -> dict[str, str]:
    """constraints.txt as {canonical name: version}."""
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep, f"constraints.txt: {line!r} is not a name==version pin"
            pins[canonicalize_name(name)] = version
    return pins


def imported_top_levels(folder: Path) -> dict[str, Path]:
    """Top-level names of absolute imports in the folder's modules, with one file for each."""
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], path)
    return found


def test_every_module_sigap_imports_is_a_declared_runtime_dependency() -> None:
    declared = {canonicalize_name(r.name) for r in RUNTIME + OPTIONAL}
    providers = metadata.packages_distributions()
    missing = []
    for top, path in imported_top_levels(ROOT / "src" / "sigap").items():
        if top == "sigap" or top in sys.stdlib_module_names:
            continue
        dists = {canonicalize_name(d) for d in providers.get(top, [])}
        if not dists & declared:
            missing.append(f"{top} (from {sorted(dists) or 'no installed package'}, {path})")
    assert not missing, f"imported but not in [project].dependencies: {missing}"


def test_importing_sigap_needs_no_optional_extra() -> None:
    """The README's install has no extra: an extra's package is imported inside the function
    that reads with it, never when a module (or the `sigap` command) loads."""
    optional = {canonicalize_name(r.name) for r in OPTIONAL}
    modules = [
        ".".join(path.relative_to(ROOT / "src").with_suffix("").parts).removesuffix(".__init__")
        for path in sorted((ROOT / "src" / "sigap").rglob("*.py"))
        if "migrations" not in path.parts
    ]
    code = f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
    code += "print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert optional, "pyproject.toml declares the osm extra"
    assert not optional & {canonicalize_name(m) for m in loaded}


def test_the_lock_pins_every_declared_package_within_its_range() -> None:
    pins = locked()
    wrong = []
    for requirement in RUNTIME + TEST + OPTIONAL:
        version = pins.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            wrong.append(f"{requirement} locked at {version}")
    assert not wrong, f"constraints.txt disagrees with pyproject.toml (run scripts/lock): {wrong}"


def installed_closure(requirements: list[Requirement]) -> set[str]:
    """Every package these requirements install, with their extras, by the installed metadata."""
    todo, seen = list(requirements), set()  # seen: (package, extra), "" for the package itself
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        extras = {""} | requirement.extras
        new = {e for e in extras if (name, e) not in seen}
        if not new:
            continue
        seen |= {(name, e) for e in new}
        for text in metadata.requires(requirement.name) or []:
            needed = Requirement(text)
            if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in new):
                todo.append(needed)
    return {name for name, _ in seen}


def test_the_runtime_dependencies_bring_greenlet_without_the_test_extras() -> None:
    """sigap.db builds SQLAlchemy's asyncio engine, which imports greenlet; SQLAlchemy 2.1
    installs it only with its `asyncio` extra, and Playwright (a test extra) used to hide that."""
    assert "greenlet" in installed_closure(RUNTIME)


def test_the_lock_pins_what_the_declared_packages_need() -> None:
    unpinned = installed_closure(RUNTIME + TEST) - set(locked())
    assert not unpinned, f"installed but not pinned in constraints.txt: {sorted(unpinned)}"


def test_the_tests_run_on_the_locked_versions() -> None:
    """scripts/test installs through constraints.txt, so what passes here is what is pinned."""
    differ = []
    for name, version in locked().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a platform's package (uvloop) where it does not install
        if installed != version:
            differ.append(f"{name} {installed} installed, {version} locked")
    assert not differ, differ


def test_the_readme_installs_through_the_lock_and_names_every_demo_account() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block is not None
    assert "pip install -c constraints.txt . && sigap demo" in first_block.group(1)
    for region in ("jakarta", "gowa"):
        meta = json.loads((BUNDLED / region / "pack.json").read_text())
        for account in meta["demo_accounts"]:
            assert f"`{account['email']}`" in readme, (region, account["email"])
