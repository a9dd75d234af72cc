"""Meta-tests for the feature manifests: whatever a feature adds to the desk (tables, listeners,
periodic work, routes, channel kinds, commands) is declared in its manifest, and every entry
point gets it from there, so nothing can be written and then forgotten in a hand-kept list."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer
from fastapi import APIRouter
from fastapi.testclient import TestClient

import minidesk
from minidesk import features, periodic
from minidesk.channels import registry
from minidesk.channels.base import ChannelAdapter
from minidesk.cli import app as cli_app

PACKAGE = Path(minidesk.__file__).parent
# The app's own routes, not a feature's.
APP_ROUTES = {("GET", "/healthz"), ("GET", "/metrics")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level(predicate: Callable[[ast.stmt], str | None]) -> Iterator[str]:
    """``module:name`` (or ``module``) for every top-level statement ``predicate`` names."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for statement in ast.parse(path.read_text(), str(path)).body:
            found = predicate(statement)
            if found is not None:
                yield f"{_module_name(path)}{found}"


def _called(node: ast.expr | None, name: str) -> bool:
    func = node.func if isinstance(node, ast.Call) else None
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return called == name


def _assigned_call(name: str) -> Callable[[ast.stmt], str | None]:
    def predicate(statement: ast.stmt) -> str | None:
        if isinstance(statement, ast.Assign) and _called(statement.value, name):
            target = statement.targets[0]
            return f":{target.id}" if isinstance(target, ast.Name) else None
        return None

    return predicate


def _registers_listener(statement: ast.stmt) -> str | None:
    # ``@events.listen(...)`` on a top-level function: the import registers it.
    if isinstance(statement, ast.FunctionDef) and any(
        _called(decorator, "listen")
        and isinstance(decorator.func, ast.Attribute)  # type: ignore[attr-defined]
        and getattr(decorator.func.value, "id", None) == "events"  # type: ignore[attr-defined]
        for decorator in statement.decorator_list
    ):
        return ""
    return None


def _declared(part: str) -> set[str]:
    return {dotted for feature in features.installed() for dotted in getattr(feature, part)}


def test_a_manifest_imports_nothing_of_its_feature() -> None:
    # So that reading every manifest (the CLI, alembic, a worker) stays cheap.
    for package in features.INSTALLED:
        path = PACKAGE.parent / package.replace(".", "/") / "feature.py"
        tree = ast.parse(path.read_text(), str(path))
        imported = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        assert imported <= {"__future__", "minidesk.features"}, package


def test_every_router_in_the_code_is_declared_by_a_feature() -> None:
    assert set(_module_level(_assigned_call("APIRouter"))) == _declared("routers")


def test_every_route_the_app_serves_comes_from_a_manifest(client: TestClient) -> None:
    # The public surface: what the API documents is exactly the manifests' routes.
    paths = client.get("/openapi.json").json()["paths"]
    served = {(method.upper(), path) for path, ops in paths.items() for method in ops}
    declared = {
        (method, route.path)
        for router in features.routers()
        for route in router.routes
        for method in getattr(route, "methods", ()) or ()
        if getattr(route, "include_in_schema", True)
    }
    assert served - APP_ROUTES == declared


def test_every_long_job_in_the_code_is_declared_by_a_feature() -> None:
    assert set(_module_level(_assigned_call("LongJob"))) == _declared("long_jobs")


def test_every_declared_name_resolves_to_what_its_entry_point_expects() -> None:
    assert all(isinstance(router, APIRouter) for router in features.routers())
    assert all(isinstance(job, periodic.LongJob) for job in features.long_jobs().values())
    assert all(callable(sweeper) for sweeper in features.sweepers())
    assert all(isinstance(app, typer.Typer) for app in features.commands().values())
    for kind in features.channel_kinds():
        adapter: ChannelAdapter = registry.adapter(kind)
        assert adapter.kind == kind
        assert callable(adapter.send)


def test_every_channel_kind_is_declared_by_a_feature() -> None:
    # Webhooks are outbox deliveries of their own (``outbox.register_sender``), not a channel.
    assert set(features.channel_kinds()) == {"api", "chat", "email", "sms", "whatsapp"}
    with pytest.raises(registry.UnknownChannel, match="known: api, chat, email, sms, whatsapp"):
        registry.adapter("carrier-pigeon")


def test_every_feature_command_is_on_the_cli() -> None:
    mounted = {group.name for group in cli_app.registered_groups}
    assert set(features.commands()) <= mounted


def test_two_features_cannot_claim_the_same_channel_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    clash = features.Feature(name="post", channel_kinds={"email": "post.adapter:Letters"})
    monkeypatch.setattr(features, "CORE", clash)
    features.installed.cache_clear()
    try:
        with pytest.raises(
            features.FeatureError, match=r"channel kind declared by two features: email"
        ):
            features.installed()
    finally:
        features.installed.cache_clear()


def test_a_lone_module_must_still_be_a_tuple() -> None:
    with pytest.raises(features.FeatureError, match="listeners is a string, not a tuple"):
        features.Feature(name="sla", listeners=("minidesk.sla.clocks"))


def _probe(code: str, tmp_path: Path) -> list[str]:
    """Run ``code`` in a fresh interpreter (this one has long since imported everything);
    it prints a JSON list."""
    env = {
        **os.environ,
        "MINIDESK_SECRET_KEY": "test-secret-key-for-the-feature-probe",
        "MINIDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'probe.db'}",
        "MINIDESK_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    found: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_a_worker_process_loads_every_listener_and_no_web_code(tmp_path: Path) -> None:
    # Exactly what ``minidesk worker`` does before it consumes jobs.
    loaded = _probe(
        "import json, sys\n"
        "from minidesk import jobs, settings\n"
        "jobs.configure(settings.load_settings().model_copy(update={'queue_url': 'memory://'}))\n"
        "print(json.dumps(sorted(sys.modules)))\n",
        tmp_path,
    )
    listening = set(_module_level(_registers_listener))
    assert listening, "the scan finds the listeners"
    assert listening - set(loaded) == set()
    assert [name for name in loaded if name.startswith(("fastapi", "minidesk.web."))] == []


def test_the_models_metadata_is_the_whole_schema(tmp_path: Path) -> None:
    # Importing every module in the package adds no table that ``minidesk.models`` (what
    # alembic compares migrations with) does not already have.
    skipped = ("minidesk.__main__", "minidesk.migrations", "minidesk.web.asgi")
    modules = sorted(
        name
        for name in (_module_name(path) for path in PACKAGE.rglob("*.py"))
        if not name.startswith(skipped)
    )
    extra = _probe(
        "import importlib, json\n"
        "from minidesk.models import Base\n"
        "before = set(Base.metadata.tables)\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(set(Base.metadata.tables) - before)))\n",
        tmp_path,
    )
    assert extra == []
