"""Settings fail loudly, naming the variable; every setting is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from minidesk.cli import app
from minidesk.settings import Settings, SettingsError, documented_settings, load_settings


def test_a_bad_database_url_names_the_variable() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(database_url="mysql://root@localhost/x", secret_key="k" * 32)
    assert "MINIDESK_DATABASE_URL" in str(caught.value)
    assert "mysql" in str(caught.value)


def test_a_secret_key_is_required_outside_demo_mode() -> None:
    with pytest.raises(SettingsError, match="MINIDESK_SECRET_KEY must be set"):
        load_settings(secret_key="")
    assert load_settings(demo=True, secret_key="").secret


def test_a_short_secret_key_is_refused_outside_demo_mode() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(secret_key="x" * 31)
    assert "MINIDESK_SECRET_KEY must be at least 32 bytes" in str(caught.value)
    assert "x" * 31 not in str(caught.value)
    assert load_settings(secret_key="é" * 16).secret  # bytes, not characters
    assert load_settings(demo=True, secret_key="short").secret


def test_the_outbound_allow_list_takes_cidrs_only() -> None:
    key = "k" * 32
    with pytest.raises(SettingsError, match="MINIDESK_OUTBOUND_ALLOW: 'intranet' is not a CIDR"):
        load_settings(secret_key=key, outbound_allow="10.0.0.0/8, intranet")
    allowed = load_settings(secret_key=key, outbound_allow="10.0.0.0/8, fd00::/8")
    assert [str(n) for n in allowed.outbound_allowed_networks] == ["10.0.0.0/8", "fd00::/8"]


def test_secrets_can_come_from_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "key"
    secret.write_text("from-a-file-holding-32-bytes-or-more\n")
    monkeypatch.setenv("MINIDESK_SECRET_KEY_FILE", str(secret))
    assert load_settings().secret_key.get_secret_value() == "from-a-file-holding-32-bytes-or-more"
    monkeypatch.setenv("MINIDESK_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(SettingsError, match="MINIDESK_SECRET_KEY_FILE: cannot read"):
        load_settings()


def test_postgresql_urls_use_psycopg3() -> None:
    url = load_settings(database_url="postgresql://u@h/db", secret_key="k" * 32).database_url
    assert url == "postgresql+psycopg://u@h/db"


def test_the_cli_reports_invalid_settings_and_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINIDESK_DATABASE_URL", "oracle://x")
    monkeypatch.setenv("MINIDESK_SECRET_KEY", "k" * 32)
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "MINIDESK_DATABASE_URL" in result.output


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    documented = documented_settings()
    assert set(documented) == {f"MINIDESK_{name.upper()}" for name in Settings.model_fields}
    for variable, description in documented.items():
        assert description, f"{variable} has no description"
        assert variable in readme, f"{variable} is missing from the README"
