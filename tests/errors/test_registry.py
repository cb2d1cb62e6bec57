"""sigap.errors: one registry, in which each code has one status and a message in each language,
and no raise site that could answer another status."""

from __future__ import annotations

import ast
import re
import string
from http import HTTPStatus
from pathlib import Path

import pytest

import sigap
from sigap.errors import CODES, RETRY_AFTER_S, ErrorCode, OutsideServiceArea, SigapError
from sigap.errors.code import merge

SRC = Path(sigap.__file__).parent
REGISTRY = SRC / "errors"


def _fields(template: str) -> set[str]:
    """A message's placeholders, a language's own (``label_id``, ``label_en``) named alike."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return {re.sub(r"_(id|en)$", "", name) for name in names}


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_an_error_status_and_says_the_same_in_both_languages(code: str) -> None:
    entry = CODES[code]

    assert 400 <= HTTPStatus(entry.status) < 600
    assert entry.id.strip()
    assert entry.en.strip()
    assert entry.id != entry.en, "the Indonesian message is a translation, not the English"
    assert _fields(entry.id) == _fields(entry.en)
    assert re.fullmatch(r"[a-z][a-z0-9_]*", code)


@pytest.mark.parametrize("code", sorted(CODES))
def test_an_error_answers_its_codes_status_and_messages(code: str) -> None:
    params = dict.fromkeys(_raw_fields(CODES[code]), "x")
    error = SigapError(code, **params)

    assert error.status == CODES[code].status
    assert error.body("id")["error"] == {"code": code, "message": CODES[code].id.format(**params)}
    assert error.message("en") == CODES[code].en.format(**params)


def _raw_fields(entry: ErrorCode) -> set[str]:
    return {
        name
        for template in (entry.id, entry.en)
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    }


def test_a_status_cannot_be_given_nor_changed() -> None:
    with pytest.raises(TypeError, match="registry"):
        SigapError("invalid_input", status=400)
    error = SigapError("invalid_input")
    with pytest.raises(AttributeError):
        error.status = 400  # type: ignore[misc]
    with pytest.raises(KeyError):
        SigapError("no_such_code")


def test_a_code_is_declared_once_with_an_error_status_and_both_messages() -> None:
    entry = ErrorCode(404, "Tidak ada.", "Not there.")
    with pytest.raises(ValueError, match="twice"):
        merge({"a": entry, "b": entry}, {"b": entry})
    with pytest.raises(ValueError, match="4xx or 5xx"):
        ErrorCode(302, "Pindah.", "Moved.")
    with pytest.raises(ValueError, match="both languages"):
        ErrorCode(400, "Salah.", " ")


def test_retry_after_is_the_codes_unless_the_raise_site_counts_the_wait() -> None:
    assert SigapError("database_unavailable").headers == {"Retry-After": str(RETRY_AFTER_S)}
    assert SigapError("storage_unavailable").headers == {"Retry-After": "60"}
    closing = SigapError("shutting_down", headers={"Connection": "close"})
    assert closing.headers == {"Retry-After": str(RETRY_AFTER_S), "Connection": "close"}
    assert SigapError("too_many_reports", retry_after_s=7, limit=1).headers == {"Retry-After": "7"}
    assert SigapError("region_not_loaded").headers is None


def test_a_named_error_takes_its_status_from_its_code() -> None:
    error = OutsideServiceArea(lat=0, lon=0, region="r")

    assert (error.code, error.status) == ("outside_service_area", 422)


# --- the source: nothing but the registry decides a status -----------------------------------

Modules = list[tuple[str, ast.Module]]


def _modules() -> Modules:
    return [
        (str(path.relative_to(SRC)), ast.parse(path.read_text(), str(path)))
        for path in sorted(SRC.rglob("*.py"))
        if REGISTRY not in path.parents
    ]


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)


def _error_classes(modules: Modules) -> set[str]:
    """SigapError and every class defined from it (through any depth of subclasses)."""
    classes = {"SigapError", "OutsideServiceArea"}
    grew = True
    while grew:
        grew = False
        for _, tree in modules:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in classes
                    and {_name(base) for base in node.bases} & classes
                ):
                    classes.add(node.name)
                    grew = True
    return classes


def _sets_status(node: ast.AST) -> bool:
    if isinstance(node, ast.FunctionDef):
        return node.name == "status"
    targets = node.targets if isinstance(node, ast.Assign) else []
    if isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    return any(_name(target) == "status" for target in targets)


def _violations(modules: Modules) -> list[str]:
    """Raise sites that give a status or an unknown code, error classes that set a status, and
    error codes declared outside the registry."""
    classes = _error_classes(modules)
    found: list[str] = []
    for where, tree in modules:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in classes:
                if any(keyword.arg == "status" for keyword in node.keywords):
                    found.append(f"{where}:{node.lineno} gives a status")
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and first.value not in CODES:
                    found.append(f"{where}:{node.lineno} raises unknown {first.value!r}")
            elif isinstance(node, ast.Call) and _name(node.func) == "ErrorCode":
                found.append(f"{where}:{node.lineno} declares a code outside the registry")
            elif (
                isinstance(node, ast.ClassDef)
                and node.name in classes
                and any(_sets_status(item) for item in ast.walk(node))
            ):
                found.append(f"{where}:{node.lineno} {node.name} sets a status")
    return found


@pytest.mark.slow  # reads every source file's syntax tree
def test_no_raise_site_gives_a_status() -> None:
    assert _violations(_modules()) == []


def test_the_scan_finds_every_way_a_status_used_to_be_chosen() -> None:
    source = """
class NotFound(SigapError):
    status = 404
class Gone(NotFound):
    def __init__(self, code):
        super().__init__(code)
        self.status = 410
raise SigapError("invalid_input", status=400)
raise errors.SigapError("no_such_code")
TABLE = {"teapot": ErrorCode(418, "Teko.", "Teapot.")}
"""
    found = _violations([("bad.py", ast.parse(source))])

    assert found == [
        "bad.py:2 NotFound sets a status",
        "bad.py:4 Gone sets a status",
        "bad.py:8 gives a status",
        "bad.py:9 raises unknown 'no_such_code'",
        "bad.py:10 declares a code outside the registry",
    ]


@pytest.mark.slow  # reads every source file
def test_every_code_of_the_registry_is_raised_somewhere() -> None:
    literals = {
        node.value
        for _, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert sorted(set(CODES) - literals) == []
