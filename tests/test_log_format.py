"""Logs are JSON for machines and readable lines for people: the format follows whether
stderr is a terminal unless ``MINIDESK_LOG_FORMAT`` says otherwise, and the demo's banner is
not buried under migration logs."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from tests.conftest import ON_POSTGRES
from typer.testing import CliRunner

from minidesk import demo
from minidesk.cli import app
from minidesk.settings import load_settings

KEY = "k" * 32


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_console_lines_and_a_pipe_gets_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MINIDESK_LOG_FORMAT", raising=False)
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert load_settings(secret_key=KEY).log_format == "console"
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert load_settings(secret_key=KEY).log_format == "json"


def test_an_explicit_log_format_wins_over_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.setenv("MINIDESK_LOG_FORMAT", "json")
    assert load_settings(secret_key=KEY).log_format == "json"
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    monkeypatch.setenv("MINIDESK_LOG_FORMAT", "console")
    assert load_settings(secret_key=KEY).log_format == "console"


@pytest.mark.skipif(ON_POSTGRES, reason="the demo command always uses its own SQLite file")
def test_the_demo_banner_is_not_interleaved_with_migration_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINIDESK_LOG_FORMAT", "json")  # what a pipe gets: the noisiest case
    monkeypatch.setattr(demo, "seed", lambda database: demo.Summary(True, 3, 2, "mdk_x"))
    result = CliRunner().invoke(
        app, ["demo", "--seed-only", "--data-dir", str(tmp_path), "--port", "8123"]
    )
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123" in result.output
    assert [line for line in result.output.splitlines() if line.lstrip().startswith("{")] == []
    assert "Running upgrade" not in result.output
