"""The minute sweep: re-queue whatever lost its hint, run the short timers, queue long work.

It must stay short, because features' timers (time-based rules, SLA clocks) are claimed
here and a slow sweep makes them late. So the sweep itself only queries and queues: inbox
rows, events and deliveries still pending go back on the queue as ordinary jobs, and long
work (a feature's ``long_jobs``: a retrain) is only asked whether it is due and then queued as
a job of its own. Every job claims its rows, so a row queued twice is done once.
"""

from __future__ import annotations

import datetime as dt
import logging

from minidesk import events, features, inbox_store, outbox
from minidesk.db import get_db, utcnow
from minidesk.jobs.queue import enqueue

log = logging.getLogger(__name__)

# Rows younger than this are left to the job that was queued for them.
GRACE = dt.timedelta(seconds=30)
# Ids per re-queued job: a worker pays for a batch, not for a row, yet one slow batch must
# not hold up every row behind it.
BATCH = 64


def run_sweep(before: dt.datetime, *, everything: bool = False) -> dict[str, int]:
    """Queue everything that is due now and run the short timers; returns what it counted
    (ids queued per kind, rows handled per sweeper, long jobs queued).

    The minute sweep queues a bounded number of rows of each kind: rows older than the grace
    are usually queued already and merely waiting their turn behind a backlog, and queueing
    all of them again each minute would bury the queue under jobs that claim nothing. A
    worker starting up (``everything``) queues them all: a worker that died may have
    committed work whose hints it never sent, and recovering 500 events a minute after an
    outage would leave listeners, SLA clocks and deliveries that many minutes behind."""
    db = get_db()
    store = inbox_store.store_of(db)
    store.tidy()  # in case the process that accepted them is gone
    now = utcnow()
    unbounded: dict[str, None] = {"limit": None} if everything else {}
    inbox_ids = store.stale(before, **unbounded)
    with db.sessions() as session:
        event_ids = events.undispatched(session, before, **unbounded)
        outbox_ids = outbox.due_ids(session, now, **unbounded)
    for start in range(0, len(inbox_ids), BATCH):
        enqueue("process_inbox", inbox_ids[start : start + BATCH])
    for start in range(0, len(event_ids), BATCH):
        enqueue("dispatch_events", event_ids[start : start + BATCH])
    for outbox_id in outbox_ids:  # one job each: a slow provider delays only its own rows
        enqueue("deliver", outbox_id)
    counts = {"inbox": len(inbox_ids), "events": len(event_ids), "outbox": len(outbox_ids)}
    for fn in features.sweepers():
        try:
            counts[fn.__qualname__] = fn(utcnow())
        except Exception:
            log.exception("sweeper %s failed", fn.__qualname__)
    for job in features.long_jobs().values():
        try:
            due = job.is_due(utcnow())
        except Exception:
            log.exception("long job %s: could not tell whether it is due", job.name)
            continue
        if due:
            enqueue("long_job", job.name)
            counts[job.name] = 1
    if any(counts.values()):
        log.info("sweep", extra={"counts": counts})
    return counts


def run_long_job(name: str) -> int:
    """The body of a queued long job (its ``run`` claims the work, or returns 0)."""
    job = features.long_jobs().get(name)
    if job is None:  # queued by a process that loads a feature this one does not
        log.warning("long job %s is not registered in this process", name)
        return 0
    return job.run(utcnow())
