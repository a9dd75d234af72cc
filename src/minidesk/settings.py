"""Every setting minidesk reads, in one typed place, validated at start-up.

Values come from ``MINIDESK_*`` environment variables. Any setting may instead be read from a
file named by ``MINIDESK_<NAME>_FILE`` (Docker/Kubernetes secrets), which wins over the plain
variable. Errors name the variable and the accepted values, never the secret itself.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import phonenumbers
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "MINIDESK_"
DEMO_SECRET_KEY = "minidesk-demo-secret-key-not-for-production"
SQL_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")
QUEUE_SCHEMES = ("sqlite", "redis", "rediss", "postgresql", "memory")
REALTIME_SCHEMES = ("local", "memory", "postgresql", "redis", "rediss")
SMTP_SCHEMES = ("smtp", "smtp+starttls", "smtps")
# 256 bits: every per-purpose key is derived from this one, so it bounds all of them.
MIN_SECRET_KEY_BYTES = 32
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable."""


def default_log_format() -> Literal["json", "console"]:
    """Readable lines for a person at a terminal; JSON for whatever collects a service's logs."""
    stream = sys.stderr
    return "console" if stream is not None and stream.isatty() else "json"


class Settings(BaseSettings):
    """The documented settings; each field's description is its documentation
    (``minidesk settings`` lists them)."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore", frozen=True)

    database_url: str = Field(
        "sqlite:///./minidesk.db",
        description="SQLAlchemy URL: sqlite:///PATH (embedded) or postgresql://USER@HOST/DB.",
    )
    queue_url: str = Field(
        "",
        description="Job queue: empty for a SQLite queue beside the database, redis://HOST:PORT/N, "
        "postgresql://... or memory:// (tests).",
    )
    secret_key: SecretStr = Field(
        SecretStr(""),
        description="Master key (at least 32 bytes) from which per-purpose keys are derived: "
        "signed reply addresses and Message-IDs, stored-credential encryption, rule webhook "
        "signatures; required outside demo mode.",
    )
    demo: bool = Field(False, description="Demo mode: a built-in secret key is allowed.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Log level."
    )
    log_format: Literal["json", "console"] = Field(
        default_factory=default_log_format,
        description="Log output: json (one object a line, for a collector) or console "
        "(readable lines); default console when stderr is a terminal, else json.",
    )
    workers: Annotated[int, Field(ge=0, le=64)] = Field(
        2, description="In-process job worker threads for `serve` (0: run `minidesk worker` apart)."
    )
    public_url: str = Field(
        "http://127.0.0.1:8000", description="Base URL customers and agents reach this desk at."
    )
    inbound_wait_seconds: Annotated[float, Field(gt=0, le=300)] = Field(
        10,
        description="How long `POST /api/v1/inbound/messages` waits for the workers to process "
        "a message before answering `queued` with its Location (the message is stored).",
    )
    max_inbound_bytes: Annotated[int, Field(ge=1024)] = Field(
        1_048_576, description="Largest accepted inbound API/webhook body, in bytes."
    )
    outbox_max_attempts: Annotated[int, Field(ge=1, le=50)] = Field(
        8, description="Delivery attempts before an outbound item becomes a dead letter."
    )
    token_lifetime_days: Annotated[int, Field(ge=1, le=3650)] = Field(
        30,
        description="Days a personal API token (sign-in, `minidesk token create`) stays valid; "
        "integration tokens never expire unless asked to.",
    )
    session_hours: Annotated[int, Field(ge=1, le=24 * 90)] = Field(
        12,
        description="Hours a browser sign-in to the agent workspace lasts before signing in again.",
    )
    phone_region: str = Field(
        "US",
        description="ISO country (US, GB, DE ...) whose national numbers senders and imported "
        "customers write without a +country code; every phone is stored and matched as E.164.",
    )
    # Signing in with a password (minidesk.desk.sign_in)
    sign_in_max_failures_per_account: Annotated[int, Field(ge=1, le=1000)] = Field(
        5,
        description="Failed sign-ins for one email within the window before it answers 429 "
        "(from any address; a success starts the count again).",
    )
    sign_in_max_failures_per_ip: Annotated[int, Field(ge=1, le=100_000)] = Field(
        30,
        description="Failed sign-ins from one client address within the window, whatever "
        "the accounts, before it answers 429 (successes do not reset it).",
    )
    sign_in_window_seconds: Annotated[int, Field(ge=1, le=86_400)] = Field(
        900, description="The sliding window, in seconds, the sign-in failure limits count in."
    )
    # Public writes without a sign-in (minidesk.desk.public_writes)
    public_writes_per_minute: Annotated[int, Field(ge=1, le=100_000)] = Field(
        30,
        description="Public writes (help-centre feedback, logged help searches, survey answers, "
        "new chat visitors, widget suggestions) one client address may make per minute, "
        "sustained, before it answers 429 (IPv6 counted per /64).",
    )
    public_writes_burst: Annotated[int, Field(ge=1, le=100_000)] = Field(
        60,
        description="Public writes one client address may make at once, above the sustained "
        "rate, before the per-minute limit applies.",
    )
    # Email channel (minidesk.channels.email)
    support_address: str = Field(
        "",
        description="Creates this email channel (support address) on start-up if it is missing.",
    )
    inbound_smtp_port: Annotated[int, Field(ge=0, le=65535)] = Field(
        0, description="Port of the built-in inbound SMTP listener; 0 turns it off."
    )
    inbound_smtp_host: str = Field(
        "127.0.0.1", description="Interface the inbound SMTP listener binds (0.0.0.0: all)."
    )
    smtp_url: SecretStr = Field(
        SecretStr(""),
        description="Outbound mail server: smtp://HOST:25 (plain, local relay only), "
        "smtp+starttls://USER:PASS@HOST:587 or smtps://USER:PASS@HOST:465; ?cafile=PATH to "
        "trust a private CA.",
    )
    email_max_bytes: Annotated[int, Field(ge=10_000)] = Field(
        26_214_400, description="Largest inbound mail, in bytes; the SMTP listener answers 552."
    )
    email_max_attachment_bytes: Annotated[int, Field(ge=0)] = Field(
        10_485_760,
        description="Largest attachment kept, in bytes; bigger ones are listed but not stored.",
    )
    imap_poll_seconds: Annotated[int, Field(ge=5, le=3600)] = Field(
        60, description="Seconds between IMAP polls (servers with IDLE push new mail sooner)."
    )
    email_auto_reply_limit: Annotated[int, Field(ge=0, le=1000)] = Field(
        5, description="Automatic replies sent to one address per hour; more are suppressed."
    )
    intent_retrain_min_examples: Annotated[int, Field(ge=1, le=100_000)] = Field(
        20, description="New agent intent corrections that make the intent model retrain."
    )
    intent_base_data: str = Field(
        "",
        description="CSV/JSONL of labelled messages a retrain learns from besides corrections "
        "(default: the shipped model's seed examples).",
    )
    kb_meaning: bool = Field(
        True,
        description="Readers' article searches and the widgets' suggestions also find articles "
        "close in meaning (the sentence encoder, loaded at start-up); false: by words only.",
    )

    staffing_aht_seconds: Annotated[float, Field(gt=0, le=86_400)] = Field(
        360,
        description="Average handle time (seconds) staffing plans use where the agents' own "
        "events are too few to measure it.",
    )

    # Outbound HTTP (minidesk.net): webhooks to customers' and rules' URLs
    outbound_allow: str = Field(
        "",
        description="Comma-separated CIDRs that outbound webhooks may reach although they are "
        "private, loopback or link-local (an intranet receiver, e.g. 10.20.0.0/16); empty: "
        "public addresses only.",
    )
    outbound_allow_http: bool = Field(
        False, description="Allow plain http:// webhook URLs (otherwise https:// only)."
    )
    outbound_ca_file: str = Field(
        "",
        description="PEM file of extra certificate authorities webhook receivers may use (an "
        "intranet receiver with a private CA); the usual public CAs stay trusted.",
    )
    outbound_timeout_seconds: Annotated[float, Field(gt=0, le=120)] = Field(
        10.0, description="Longest an outbound webhook call may take, connecting included."
    )
    outbound_max_response_bytes: Annotated[int, Field(ge=0, le=10_485_760)] = Field(
        65_536, description="Most bytes of a webhook receiver's answer that are read."
    )
    webhook_failure_threshold: Annotated[int, Field(ge=1, le=1000)] = Field(
        5,
        description="Failed deliveries in a row after which a webhook subscription is marked "
        "failing and its deliveries wait until an admin re-enables it.",
    )
    webhook_history_days: Annotated[int, Field(ge=1, le=3650)] = Field(
        30,
        description="Days webhook delivery attempts (and delivered or dead webhook deliveries) "
        "are kept for the admin's history and replay; deliveries still owed are never pruned.",
    )

    # Live channels' providers (minidesk.channels.sms, minidesk.channels.whatsapp)
    twilio_api_url: str = Field(
        "https://api.twilio.com",
        description="Base URL of Twilio's REST API that SMS replies are posted to (a test "
        "double or a regional edge such as https://api.dublin.ie1.twilio.com).",
    )
    whatsapp_api_url: str = Field(
        "https://graph.facebook.com",
        description="Base URL of Meta's Graph API that WhatsApp replies are posted to.",
    )
    whatsapp_api_version: Annotated[str, Field(pattern=r"^v\d+\.\d+$")] = Field(
        "v21.0", description="Graph API version in WhatsApp Cloud API calls (vNN.N)."
    )

    # Realtime fan-out to agents' WebSockets (minidesk.realtime)
    realtime_url: str = Field(
        "",
        description="Where change notices fan out to every web process: empty derives it from "
        "the database (PostgreSQL: LISTEN/NOTIFY on it; SQLite: local:// datagrams between the "
        "processes of this machine), redis://HOST:PORT/N for Redis pub/sub, postgresql://... "
        "for NOTIFY on another database, memory:// for this process only.",
    )
    realtime_channel: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        "minidesk",
        description="Name of the NOTIFY / pub/sub channel (and local socket folder); desks "
        "sharing a PostgreSQL server or Redis need different names.",
    )

    @field_validator("phone_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        region = value.strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"{value!r} is not an ISO country code phonenumbers knows")
        return region

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in SQL_SCHEMES:
            accepted = ", ".join(f"{s}://" for s in SQL_SCHEMES)
            raise ValueError(f"unsupported scheme {scheme or '(none)'!r}; use one of {accepted}")
        if scheme == "postgresql":
            # psycopg 3 is the driver we install; say so rather than let SQLAlchemy pick psycopg2.
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @field_validator("queue_url")
    @classmethod
    def _check_queue_url(cls, value: str) -> str:
        if value and value.split("://", 1)[0] not in QUEUE_SCHEMES:
            raise ValueError(f"unsupported scheme; use one of {', '.join(QUEUE_SCHEMES)}://")
        return value

    @field_validator("realtime_url")
    @classmethod
    def _check_realtime_url(cls, value: str) -> str:
        if value and value.split("://", 1)[0] not in REALTIME_SCHEMES:
            raise ValueError(f"unsupported scheme; use one of {', '.join(REALTIME_SCHEMES)}://")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value()
        if url and url.split("://", 1)[0] not in SMTP_SCHEMES:
            raise ValueError(f"unsupported scheme; use one of {', '.join(SMTP_SCHEMES)}://")
        return value

    @field_validator("outbound_allow")
    @classmethod
    def _check_outbound_allow(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not a CIDR such as 10.0.0.0/8 or fd00::/8") from None
        return value

    @model_validator(mode="after")
    def _check_secret_key(self) -> Settings:
        key = self.secret_key.get_secret_value()
        if self.demo:
            return self
        advice = "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        if not key:
            raise ValueError(f"MINIDESK_SECRET_KEY must be set outside demo mode {advice}")
        if len(key.encode()) < MIN_SECRET_KEY_BYTES:
            raise ValueError(
                f"MINIDESK_SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes outside demo "
                f"mode (it has {len(key.encode())}) {advice}"
            )
        return self

    @property
    def secret(self) -> bytes:
        return (self.secret_key.get_secret_value() or DEMO_SECRET_KEY).encode()

    @property
    def outbound_allowed_networks(self) -> tuple[Network, ...]:
        parts = (part.strip() for part in self.outbound_allow.split(","))
        return tuple(ipaddress.ip_network(part, strict=False) for part in parts if part)

    @property
    def sign_in_window(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.sign_in_window_seconds)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def effective_realtime_url(self) -> str:
        """The realtime URL, defaulting to NOTIFY on a PostgreSQL database, else local://."""
        if self.realtime_url:
            return self.realtime_url
        return "local://" if self.is_sqlite else self.database_url

    @property
    def effective_queue_url(self) -> str:
        """The queue URL, defaulting to a SQLite file beside a SQLite database."""
        if self.queue_url:
            return self.queue_url
        if self.is_sqlite:
            db_path = self.database_url.split("///", 1)[1] or "minidesk.db"
            return f"sqlite:///{Path(db_path).with_suffix('')}-queue.db"
        return "sqlite:///./minidesk-queue.db"


def _file_overrides(environ: dict[str, str]) -> dict[str, Any]:
    """Read ``MINIDESK_X_FILE`` variables into ``x`` values."""
    values: dict[str, Any] = {}
    for name, path in environ.items():
        if name.startswith(PREFIX) and name.endswith("_FILE"):
            field = name[len(PREFIX) : -len("_FILE")].lower()
            if field not in Settings.model_fields:
                continue
            try:
                values[field] = Path(path).read_text().strip()
            except OSError as exc:
                raise SettingsError(f"{name}: cannot read {path}: {exc.strerror}") from exc
    return values


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment (plus explicit overrides) or raise ``SettingsError``."""
    values = {**_file_overrides(dict(os.environ)), **overrides}
    try:
        return Settings(**values)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = error["loc"]
            variable = f"{PREFIX}{str(loc[0]).upper()}" if loc else "settings"
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(message if message.startswith(PREFIX) else f"{variable}: {message}")
        raise SettingsError("; ".join(lines)) from None


_current: Settings | None = None


def configure(settings: Settings) -> Settings:
    """Make ``settings`` the process-wide settings (the CLI and tests call this first)."""
    global _current
    _current = settings
    return settings


def get_settings() -> Settings:
    """The process-wide settings, loaded from the environment on first use."""
    return _current if _current is not None else configure(load_settings())


def documented_settings() -> dict[str, str]:
    """Variable name → description, for `minidesk settings` and the docs meta-test."""
    return {
        f"{PREFIX}{name.upper()}": field.description or ""
        for name, field in Settings.model_fields.items()
    }
