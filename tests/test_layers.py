"""Who may import whom (ARCHITECTURE.md, "Layers"): no cycle between sigap's packages, and the
domain side of a domain package speaks no HTTP.

The graph is read from the source (ast), not from what happens to be imported: every
``import`` and ``from ... import`` counts, at module level, inside a function or under
``if TYPE_CHECKING:``. An import moved into a function still ties two packages together, and
a type-only import still says which package knows the other; neither may hide a cycle.

A node is a top-level module or package of sigap (``sigap.reports``, ``sigap.deps``), except
that a domain package's HTTP modules (its ``router.py``, ``deps.py`` and the few listed in
``HTTP_MODULES``, which read a request) form a node of their own, ``reports[http]``: they sit
above ``sigap.deps`` and ``sigap.web``, the package's other modules below.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "sigap"

# Packages of business rules. Their modules import no HTTP helper, except the HTTP modules.
DOMAIN = frozenset(
    {
        "accounts",
        "admin",
        "auth",
        "cards",
        "channels",
        "fares",
        "geo",
        "history",
        "moderation",
        "notify",
        "payments",
        "photos",
        "regions",
        "reports",
        "transit",
        "market",
        "workflow",
    }
)
# A domain package's modules that take a Request, besides router.py and deps.py.
HTTP_MODULES = frozenset(
    {
        "sigap.admin.api",
        "sigap.admin.console",
        "sigap.admin.fares",  # the fare pages and the fare rules' JSON
        "sigap.admin.market",  # the marketplace's section and its CSV
        "sigap.admin.moderation",
        "sigap.admin.pages",
        "sigap.admin.reload",  # the snapshot reload watches the app's state
        "sigap.admin.transit",  # the routes CSV: the API endpoint and the page
        "sigap.auth.signin",  # THE sign-in: throttled by the caller's address
        "sigap.auth.web",
        "sigap.market.city_router",  # the city's buying and its admin budgets
        "sigap.market.review_router",  # buyers' reviews and their moderation
        "sigap.market.photo_router",  # a product's photos: the upload read while streaming
        "sigap.photos.upload",  # multipart read while streaming
        "sigap.reports.feedback",
        "sigap.reports.filing",  # THE submission: photos read from the request
        "sigap.reports.intake",
    }
)
HTTP_NAMES = frozenset({"router", "deps"})
# What speaks HTTP: the frameworks, the shared HTTP helpers, the adapters.
HTTP_HELPERS = ("fastapi", "starlette", "sigap.deps", "sigap.web")
ADAPTERS = frozenset({"app", "cli", "citizen", "officials", "open311", "portal", "serving"})

Edges = dict[str, dict[str, list[str]]]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, root: Path) -> Iterable[tuple[str, int]]:
    """Every module ``path`` imports, wherever the statement stands, with its line.
    ``from sigap import x`` names the module ``sigap.x`` when there is one."""
    me = module_name(path, root).split(".")
    package = me if path.name == "__init__.py" else me[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:
                child = f"{module}.{alias.name}"
                if _exists(child, root):
                    yield child, node.lineno


def _exists(module: str, root: Path) -> bool:
    parts = module.split(".")
    if parts[0] != root.name:
        return False
    where = root.parent.joinpath(*parts)
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def node_of(module: str) -> str | None:
    """The graph node of a sigap module; None for sigap itself."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    package = parts[1]
    if package in DOMAIN and is_http_module(module):
        return f"{package}[http]"
    return package


def is_http_module(module: str) -> bool:
    return module in HTTP_MODULES or (
        module.count(".") == 2 and module.rsplit(".", 1)[1] in HTTP_NAMES
    )


def graph(root: Path = SRC) -> tuple[Edges, dict[str, list[tuple[str, str]]]]:
    """The node graph (node -> node -> "module:line" of each import) and every module's
    imports (module -> [(imported, "module:line")])."""
    edges: Edges = defaultdict(lambda: defaultdict(list))
    by_module: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        me = module_name(path, root)
        for target, line in imports(path, root):
            where = f"{me}:{line}"
            by_module[me].append((target, where))
            if not target.startswith(f"{root.name}."):
                continue
            source, dest = node_of(me), node_of(target)
            if source and dest and source != dest and where not in edges[source][dest]:
                edges[source][dest].append(where)
    return edges, by_module


def groups(edges: Edges) -> list[frozenset[str]]:
    """The strongly connected groups of two nodes or more (Tarjan): each is one knot of
    cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def cycles(edges: Edges) -> list[list[str]]:
    """One shortest cycle through each group, as ``[a, b, ..., a]``."""
    return [_shortest_cycle(edges, group) for group in groups(edges)]


def _shortest_cycle(edges: Edges, group: frozenset[str]) -> list[str]:
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges.get(v, {})):
            if w == start:
                return [*paths[v], start]
            if w in group and w not in paths:
                paths[w] = [*paths[v], w]
                queue.append(w)
    raise AssertionError(group)  # a strongly connected group has a cycle through each node


def describe(edges: Edges, group: frozenset[str]) -> str:
    """The group's members, its every inner edge with the imports that make it, and one of
    its cycles."""
    inner = [
        f"  {a} -> {b}: {', '.join(edges[a][b][:4])}"
        for a in sorted(group)
        for b in sorted(edges.get(a, {}))
        if b in group
    ]
    cycle = " -> ".join(_shortest_cycle(edges, group))
    return f"{{{', '.join(sorted(group))}}}, e.g. {cycle}\n" + "\n".join(inner)


# Cycles tolerated for now: none. (The last one, notify <-> moderation, went when
# moderation's use cases moved above notify, to sigap.workflow.moderation.)
KNOWN: list[frozenset[str]] = []


def test_no_cycle_between_packages() -> None:
    edges, _ = graph()
    found = groups(edges)
    new = [describe(edges, group) for group in found if group not in KNOWN]
    assert not new, "import cycles between packages:\n" + "\n".join(new)
    gone = [sorted(group) for group in KNOWN if group not in found]
    assert not gone, f"no longer a cycle, take it off KNOWN: {gone}"


def speaks_http(module: str) -> bool:
    if any(module == h or module.startswith(f"{h}.") for h in HTTP_HELPERS):
        return True
    node = node_of(module) if module.startswith("sigap.") else None
    return node is not None and (node.endswith("[http]") or node in ADAPTERS)


def test_domain_modules_speak_no_http() -> None:
    _, by_module = graph()
    wrong = [
        f"{where} imports {target}"
        for module, targets in by_module.items()
        if (node_of(module) or "") in DOMAIN
        for target, where in targets
        if speaks_http(target)
    ]
    assert not wrong, "domain modules that speak HTTP:\n" + "\n".join(wrong)


def test_http_modules_exist() -> None:
    """The list names modules, not wishes: a renamed module must be renamed here too."""
    assert all(_exists(m, SRC) for m in HTTP_MODULES), HTTP_MODULES


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "sigap"
    for name, text in {"__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_imports_inside_functions_and_for_types_count(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "reports/__init__.py": "",
            "reports/service.py": "def f():\n    from sigap.workflow import sla\n",
            "workflow/__init__.py": "",
            "workflow/sla.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from ..reports import service\n",
            "deps.py": "from sigap import workflow\n",
        },
    )
    edges, _ = graph(root)
    assert edges["reports"]["workflow"] == ["sigap.reports.service:2"]
    assert edges["workflow"]["reports"] == ["sigap.workflow.sla:3"]
    assert edges["deps"]["workflow"] == ["sigap.deps:1"]
    assert cycles(edges) == [["reports", "workflow", "reports"]]


@pytest.mark.parametrize(
    ("module", "node"),
    [
        ("sigap.reports.service", "reports"),
        ("sigap.reports.router", "reports[http]"),
        ("sigap.reports.filing", "reports[http]"),
        ("sigap.portal.api", "portal"),
        ("sigap.deps", "deps"),
        ("sigap", None),
    ],
)
def test_nodes(module: str, node: str | None) -> None:
    assert node_of(module) == node


def test_cycles_are_found_and_named() -> None:
    edges: Edges = {"a": {"b": ["x"]}, "b": {"c": ["y"], "d": ["z"]}, "c": {"a": ["w"]}}
    assert cycles(edges) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b": ["x"]}, "b": {}}) == []
