"""The web process imports only what it uses: no Alembic (the schema is migrated in a child
process), no Redis or PostgreSQL driver for a desk that queues in SQLite, no holiday
calendars for hours without a country. Each is measured memory (``bench/serve_rss.py``), so
each is held here, in a fresh interpreter: this test process has imported them all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.conftest import ON_POSTGRES, TEST_DB_URL

ROOT = Path(__file__).resolve().parents[1]
UNUSED = ["alembic", "holidays", "psycopg", "redis", "rich"]
REDIS_URL = os.environ.get("MINIDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _run(code: str, tmp_path: Path, **env: str) -> dict[str, object]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MINIDESK_")}
    environment |= {
        "MINIDESK_DEMO": "true",
        "MINIDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'desk.db'}",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), environment.get("PYTHONPATH", "")]),
    } | env
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        check=False,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_web_app_leaves_out_what_an_embedded_desk_does_not_use(tmp_path: Path) -> None:
    found = _run(
        f"""
        import json, sys
        from minidesk import jobs
        from minidesk.cli.setup import load, upgrade_apart
        from minidesk.web.app import create_app

        settings = load()
        upgrade_apart(settings)
        jobs.configure(settings)
        create_app(settings)
        print(json.dumps({{"imported": [m for m in {UNUSED!r} if m in sys.modules]}}))
        """,
        tmp_path,
    )
    assert found == {"imported": []}
    # The child migrated the database the parent then uses.
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()


def test_a_failed_upgrade_stops_the_server_before_it_starts(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    found = _run(
        """
        import json
        import typer
        from minidesk.cli.setup import load, upgrade_apart

        try:
            upgrade_apart(load())
        except typer.Exit as exc:
            print(json.dumps({"exit": exc.exit_code}))
        """,
        tmp_path,
        MINIDESK_DATABASE_URL=f"sqlite:///{tmp_path / 'file' / 'desk.db'}",
    )
    assert found == {"exit": 1}


_QUEUE_ROUND_TRIP = """
    import json, sys
    import minidesk.web.app  # huey imported the way the web process imports it
    from minidesk.jobs.queue import build_huey

    hidden = DRIVER not in sys.modules
    huey = build_huey(URL)
    huey.flush()

    @huey.task(name="ping")
    def ping(n): return n

    ping(7)
    task = huey.dequeue()
    print(json.dumps({"hidden": hidden, "task": task.name, "args": list(task.args)}))
"""


def test_a_redis_queue_gets_the_driver_huey_was_imported_without(tmp_path: Path) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI requires Redis at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    code = f"DRIVER, URL = 'redis', {REDIS_URL!r}\n" + textwrap.dedent(_QUEUE_ROUND_TRIP)
    found = _run(code, tmp_path)
    assert found == {"hidden": True, "task": "ping", "args": [7]}


@pytest.mark.database
@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL queue needs the PostgreSQL pass")
def test_a_postgresql_queue_gets_the_driver_huey_was_imported_without(tmp_path: Path) -> None:
    code = f"DRIVER, URL = 'psycopg', {TEST_DB_URL!r}\n" + textwrap.dedent(_QUEUE_ROUND_TRIP)
    found = _run(code, tmp_path)
    assert found == {"hidden": True, "task": "ping", "args": [7]}
