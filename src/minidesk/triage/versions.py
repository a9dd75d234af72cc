"""Model versions in the database: store a model directory as a zip, list, activate, fetch.

Artefacts are unpacked into a content-addressed cache directory (by SHA-256), so two
databases, or two processes on one machine, never overwrite each other's files and an
unpacked version never needs unpacking again.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, defer

from minidesk.db import utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.triage.model import MODEL_FILE, IntentModel
from minidesk.triage.registry import registry
from minidesk.triage.tables import IntentModelVersion

# Version number that stands for the shipped default model (never a database row).
DEFAULT_VERSION = 0
CACHE_ROOT = Path(tempfile.gettempdir()) / "minidesk-intent-models"


class VersionError(LookupError):
    """No such model version."""


def pack(directory: Path) -> bytes:
    """The model directory's files as a zip (no sub-directories: a model is flat)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.iterdir()):
            if path.is_file():
                archive.write(path, path.name)
    return buffer.getvalue()


def unpack(artefact: bytes, sha256: str, root: Path = CACHE_ROOT) -> Path:
    """The directory holding ``artefact`` unpacked, creating it once."""
    target = root / sha256
    if (target / "model.json").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".unpack-", dir=root))
    try:
        with zipfile.ZipFile(io.BytesIO(artefact)) as archive:
            for name in archive.namelist():
                # A flat directory: any path component would be a forged archive.
                if Path(name).name != name:
                    raise ValueError(f"unexpected path {name!r} in a model artefact")
                (scratch / name).write_bytes(archive.read(name))
        try:
            os.replace(scratch, target)  # atomic; loses harmlessly to a concurrent unpacker
        except OSError:
            if not (target / "model.json").is_file():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def do_store_version(
    session: Session, directory: Path, metrics: dict[str, Any]
) -> IntentModelVersion:
    """Add a trained model as a new, inactive version."""
    model = IntentModel.load(directory)
    artefact = pack(directory)
    row = IntentModelVersion(
        name=model.version[:64],
        sha256=hashlib.sha256(artefact).hexdigest(),
        artefact=artefact,
        metrics=metrics,
        active=False,
    )
    session.add(row)
    session.flush()
    return row


def do_activate_version(session: Session, version: int, actor: Actor, *, reason: str = "") -> None:
    """Make ``version`` the live model everywhere (``DEFAULT_VERSION``: the shipped one).

    One UPDATE sets every row's flag, so concurrent activations leave exactly one winner.
    """
    before = active_version(session)
    if version != DEFAULT_VERSION and session.get(IntentModelVersion, version) is None:
        raise VersionError(f"no intent model version {version}")
    session.execute(
        update(IntentModelVersion)
        .where(IntentModelVersion.active | (IntentModelVersion.version == version))
        .values(
            active=IntentModelVersion.version == version,
            activated_at=utcnow(),
        )
    )
    emit(session, EventKind.TRIAGE_MODEL_ACTIVATED, actor,
         before=before, after=version, reason=reason)  # fmt: skip


def active_version(session: Session) -> int:
    """The live version number; ``DEFAULT_VERSION`` when no stored version is active."""
    found = session.scalar(
        select(IntentModelVersion.version).where(IntentModelVersion.active).limit(1)
    )
    return DEFAULT_VERSION if found is None else int(found)


def active_row(session: Session) -> tuple[int, str] | None:
    """(version, sha256) of the active stored version: the cheap query every process polls."""
    row = session.execute(
        select(IntentModelVersion.version, IntentModelVersion.sha256)
        .where(IntentModelVersion.active)
        .limit(1)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def version_dir(session: Session, version: int) -> Path:
    """A directory holding ``version``'s model files, unpacked from the database if needed."""
    if version == DEFAULT_VERSION:
        return registry.default_dir
    row = session.get(IntentModelVersion, version)
    if row is None:
        raise VersionError(f"no intent model version {version}")
    return unpack(row.artefact, row.sha256)


def list_versions(session: Session) -> list[IntentModelVersion]:
    """Stored versions, newest first (without loading their artefacts' bytes eagerly)."""
    return list(
        session.scalars(
            select(IntentModelVersion)
            .options(defer(IntentModelVersion.artefact))
            .order_by(IntentModelVersion.version.desc())
        )
    )


def default_name() -> str:
    """The shipped default model's own version string (what version 0 is called)."""
    return _model_name(registry.default_dir)


@functools.cache
def _model_name(directory: Path) -> str:
    try:
        return str(json.loads((directory / MODEL_FILE).read_text("utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return "default"
