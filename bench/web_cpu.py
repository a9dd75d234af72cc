"""CPU of one web process per default-path inbound request, by thread; prints one JSON object.

    python bench/web_cpu.py [--messages 3000] [--concurrency 16] [--profile 30]

``bench/ingest.py`` gives the whole picture (``serve --workers 2``, listeners and all) but
says only how much CPU the web processes used. Here one web process is served in a child of
this script, as ``minidesk serve --workers N`` serves each (the app without embedded jobs,
uvicorn on uvloop and httptools), beside a ``minidesk worker --role inbound`` that takes the
messages in; the child reports its CPU split by thread (the event loop, the intake thread
that stores accepts, the thread that watches for the worker's commits, the thread pool) and,
with ``--profile N``, cProfile's N most expensive functions over every thread
(``WEB_CPU_THREADS=main``: the event loop's thread alone).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Running a script puts its folder first on sys.path, where bench/email.py would shadow the
# standard library's `email`; last, it still finds bench/ingest.py.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import cProfile
import io
import json
import os
import pstats
import signal
import subprocess
import tempfile
import threading
import time
from typing import Any

import ingest  # bench/ingest.py: the same bodies, preparation and waits
import loadgen

NICE = ["nice", "-n", str(ingest.WORKER_NICE)]


def _thread_cpu() -> dict[str, float]:
    """CPU seconds of each live thread of this process, by Python thread name."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    found: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        name = names.get(int(task.name), "other")
        name = name.rstrip("0123456789_-") or name  # one line per kind of thread
        found[name] = found.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return found


def serve(port: int, profile: bool, out: Path) -> None:
    """The child: one web process, its CPU by thread written to ``out`` on SIGUSR1 (mark)
    and SIGTERM (final)."""
    import uvicorn

    from minidesk import db, jobs, logs
    from minidesk.settings import get_settings
    from minidesk.web.app import create_app

    main = cProfile.Profile(time.thread_time)
    profiles: list[cProfile.Profile] = [main]
    if profile:

        def boot(*_: Any) -> None:
            sys.setprofile(None)
            profiler = cProfile.Profile(time.thread_time)
            profiles.append(profiler)
            profiler.enable()

        threading.setprofile(boot)
    settings = get_settings()
    logs.setup(settings.log_level, settings.log_format)
    db.configure(settings.database_url)
    jobs.configure(settings)
    app = create_app(settings, embedded_workers=0)
    marks: list[dict[str, float]] = []

    def mark(*_: Any) -> None:
        marks.append(_thread_cpu())
        if profile and len(marks) == 1:
            for profiler in list(profiles):  # what came before the mark (warm-up) is left out
                profiler.clear()

    signal.signal(signal.SIGUSR1, mark)
    # uvicorn re-raises the SIGTERM it stopped on once it is done: let that pass, so the
    # report below is written.
    signal.signal(signal.SIGTERM, lambda *_: None)
    if profile:
        main.enable()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None)
    server = uvicorn.Server(config)
    try:
        server.run()
    finally:
        if profile:
            main.disable()
        report: dict[str, Any] = {"marks": marks, "final": _thread_cpu()}
        if profile:
            stream = io.StringIO()
            stats = pstats.Stats(main, stream=stream)
            if os.environ.get("WEB_CPU_THREADS") != "main":
                for profiler in profiles[1:]:
                    stats.add(profiler)
            stats.sort_stats("tottime").print_stats(int(os.environ.get("WEB_CPU_TOP", "30")))
            stats.sort_stats("cumulative").print_stats(int(os.environ.get("WEB_CPU_TOP", "30")))
            report["profile"] = stream.getvalue()
        out.write_text(json.dumps(report))


def run(messages: int, concurrency: int, top: int, customers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        database = workdir / "web.db"
        env = {
            **os.environ,
            "MINIDESK_DATABASE_URL": f"sqlite:///{database}",
            "MINIDESK_SECRET_KEY": "bench" * 8,
            "MINIDESK_LOG_LEVEL": "warning",
            "MINIDESK_WORKERS": "0",
            "WEB_CPU_TOP": str(top),
        }
        token = ingest.prepare(env)
        port = ingest.free_port()
        url = f"http://127.0.0.1:{port}"
        report = workdir / "report.json"
        child = [sys.executable, __file__, "--serve", str(port), "--out", str(report)]
        log = (workdir / "server.log").open("wb")
        server = subprocess.Popen(
            [*child, *(["--profile", "1"] if top else [])], env=env, stderr=log
        )
        worker = subprocess.Popen(
            [*NICE, sys.executable, "-m", "minidesk", "worker", "--role", "inbound"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            ingest.wait_until_healthy(url)
            warm = ingest.requests(url, token, 100, customers, False, prefix="warm")
            loadgen.run_blocking(url, warm, 4, lambda status, _body: None)
            ingest.wait_until_processed(database, len(warm), prefix="warm", seconds=60)
            server.send_signal(signal.SIGUSR1)
            before = ingest.cpu_seconds(server.pid)
            check = loadgen.json_status_check(202, {"status": "processed"})
            load = loadgen.run_blocking(
                url, ingest.requests(url, token, messages, customers, False), concurrency, check
            )
            spent = ingest.cpu_seconds(server.pid) - before
            server.send_signal(signal.SIGUSR1)  # the threads' CPU before shutdown ends some
            time.sleep(0.5)
        finally:
            server.terminate()
            worker.terminate()
            server.wait(60)
            worker.wait(60)
        if not report.exists():
            sys.stderr.write((workdir / "server.log").read_text()[-3000:])
            raise SystemExit("the web process wrote no report")
        threads = json.loads(report.read_text())
    start, end = threads["marks"][0], threads["marks"][-1]
    by_thread = {
        name: round((end.get(name, 0.0) - start.get(name, 0.0)) * 1000 / messages, 3)
        for name in end
    }
    result: dict[str, Any] = {
        "messages": messages,
        "concurrency": concurrency,
        "failures": load.failures,
        "first_failure": load.first_failure,
        "requests_per_s": round(messages / load.elapsed, 1),
        "p50_ms": round(ingest.percentile(load.latencies, 0.5) * 1000, 2),
        "p99_ms": round(ingest.percentile(load.latencies, 0.99) * 1000, 2),
        "server_cpu_ms_per_request": round(spent * 1000 / messages, 3),
        "cpu_ms_per_request_by_thread": {k: v for k, v in by_thread.items() if v},
    }
    if top:
        result["profile"] = threads.get("profile", "")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--profile", type=int, default=0, help="cProfile's N top functions")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, bool(args.profile), args.out)
        return
    result = run(args.messages, args.concurrency, args.profile, args.customers)
    profile = result.pop("profile", None)
    print(json.dumps(result, indent=2))
    if profile:
        print(profile)


if __name__ == "__main__":
    main()
