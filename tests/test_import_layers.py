"""The core hints through ``minidesk.hints`` and never imports the job backend: ``jobs``
imports the core to run its work, so the dependency runs one way only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import minidesk

PACKAGE = Path(minidesk.__file__).parent
# Entry points start the backend (or read its counters); nothing else may know it exists.
STARTS_JOBS = {
    "minidesk.cli.setup",
    "minidesk.cli.run",
    "minidesk.web.app",
    "minidesk.web.asgi",
    "minidesk.web.metrics",
}
CORE = ("minidesk.events", "minidesk.inbox", "minidesk.outbox", "minidesk.pipeline")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST) -> set[str]:
    """Every module an ``import`` names, at any depth (function-level imports included)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_only_entry_points_import_the_job_backend() -> None:
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        if name == "minidesk.jobs" or name.startswith("minidesk.jobs.") or name in STARTS_JOBS:
            continue
        jobs_imports = {
            imported
            for imported in _imports(ast.parse(path.read_text(), str(path)))
            if imported == "minidesk.jobs" or imported.startswith("minidesk.jobs.")
        }
        if jobs_imports:
            offenders[name] = sorted(jobs_imports)
    assert offenders == {}


def test_importing_the_core_does_not_load_the_job_backend() -> None:
    # A fresh interpreter: this test process has long since imported everything.
    probe = (
        "import sys\n"
        f"for name in {CORE!r}: __import__(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('minidesk.jobs') or m == 'huey'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_meta_test_sees_a_function_level_import() -> None:
    # The imports this test exists to catch were inside functions, out of a linter's sight.
    tree = ast.parse("def f():\n    from minidesk import jobs\n    import minidesk.jobs.queue\n")
    assert {"minidesk.jobs", "minidesk.jobs.queue"} <= _imports(tree)


# Where accepted rows wait (the SQLite spool, or the inbox table) is the inbox store's
# business: these ask ``inbox.store_of`` and never name the spool.
STORE_CLIENTS = ("minidesk.pipeline", "minidesk.jobs", "minidesk.web")


def test_only_the_inbox_store_knows_the_spool_exists() -> None:
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        if not any(name == c or name.startswith(f"{c}.") for c in STORE_CLIENTS):
            continue
        spool_imports = {
            imported
            for imported in _imports(ast.parse(path.read_text(), str(path)))
            if imported == "minidesk.spool" or imported.startswith("minidesk.spool.")
        }
        if spool_imports:
            offenders[name] = sorted(spool_imports)
    assert offenders == {}
