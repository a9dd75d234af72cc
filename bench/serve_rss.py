"""Resident memory of a real ``minidesk serve`` process with the intent model answering.

    minidesk demo --seed-only --data-dir DIR        # once: prints the app token
    python bench/serve_rss.py --data-dir DIR --app-token mdk_... [--runs 3]

Each run starts ``minidesk serve`` (one web process, job workers embedded: the process that
triages) on the demo's SQLite database and a free loopback port, posts inbound messages in
five languages through ``POST /api/v1/inbound/messages`` (waiting for the workers, so each is
triaged in that process: the model loaded, the sentence encoder too for the messages its
TF-IDF stage is unsure of), then reads the process's ``VmRSS`` and ``VmHWM`` from
``/proc/PID/status`` and stops it. Prints one JSON object: medians over ``--runs`` and
every run's figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Running a script puts its folder first on sys.path, where bench/email.py would shadow the
# standard library's `email` (which httpx needs).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import time
import uuid
from typing import Any

import httpx

MESSAGES = [
    "Where is my order #1001? It has not arrived yet.",
    "¿Me podrían mandar la factura de mi compra, por favor?",
    "Meine Bestellung ist immer noch nicht angekommen.",
    "Je voudrais annuler ma commande, s'il vous plaît.",
    "Quero devolver o produto que comprei.",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status_kb(pid: int, field: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    found = re.search(rf"{field}:\s+(\d+) kB", text)
    if not found:
        raise RuntimeError(f"no {field} for process {pid}")
    return int(found.group(1))


def one_run(data_dir: Path, token: str, timeout: float) -> dict[str, Any]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINIDESK_")}
    env |= {
        "MINIDESK_DEMO": "true",
        "MINIDESK_DATABASE_URL": f"sqlite:///{data_dir.resolve()}/minidesk.db",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "minidesk", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=base, timeout=timeout) as client:
            while True:
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("minidesk serve did not come up")
                time.sleep(0.5)
            after_start = _status_kb(proc.pid, "VmRSS")
            statuses = []
            for text in MESSAGES:
                answer = client.post(
                    "/api/v1/inbound/messages",
                    headers={"Authorization": f"Bearer {token}"},
                    json={
                        "customer": {"email": "rss-probe@example.com", "name": "Probe"},
                        "text": text,
                        "external_id": uuid.uuid4().hex,
                    },
                )
                answer.raise_for_status()
                statuses.append(answer.json().get("status"))
        return {
            "rss_mb_started": round(after_start / 1024, 1),
            "rss_mb": round(_status_kb(proc.pid, "VmRSS") / 1024, 1),
            "hwm_mb": round(_status_kb(proc.pid, "VmHWM") / 1024, 1),
            "statuses": statuses,
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--app-token", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    runs = [one_run(args.data_dir, args.app_token, args.timeout) for _ in range(args.runs)]
    print(
        json.dumps(
            {
                "rss_mb": statistics.median(r["rss_mb"] for r in runs),
                "hwm_mb": statistics.median(r["hwm_mb"] for r in runs),
                "runs": runs,
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


if __name__ == "__main__":
    main()
