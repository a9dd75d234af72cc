"""``minidesk user`` and ``minidesk token``: agents, admins and their API tokens."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from minidesk import db
from minidesk.cli.setup import load

if TYPE_CHECKING:
    from minidesk.desk.tokens import Lifetime

user_app = typer.Typer(help="Agents and admins.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)


@user_app.command("create")
def user_create(
    email: str,
    role: Annotated[str, typer.Option(help="agent, lead, manager or admin.")] = "agent",
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a user. The password is read from stdin, or generated and printed."""
    from minidesk.desk.models import Role
    from minidesk.desk.users import UserError, do_create_user
    from minidesk.events import SYSTEM

    settings = load()
    if role not in {r.value for r in Role}:
        typer.echo(f"minidesk: --role must be one of {', '.join(r.value for r in Role)}", err=True)
        raise typer.Exit(2)
    piped = None if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read().strip()
    password = piped or secrets.token_urlsafe(12)
    try:
        with db.get_db().transaction() as session:
            do_create_user(session, email, Role(role), SYSTEM, name=name, password=password)
    except UserError as exc:
        typer.echo(f"minidesk: {exc}", err=True)
        raise typer.Exit(1) from None
    del settings
    typer.echo(f"created {role} {email}")
    if not piped:
        typer.echo(f"password: {password}")


def _lifetime(text: str | None) -> Lifetime:
    """``30d``, ``12h``, ``90m`` or ``never``; None keeps the kind's default."""
    from minidesk.desk.tokens import DEFAULT

    if text is None:
        return DEFAULT
    if text.strip().lower() == "never":
        return None
    match = re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", text.lower())
    if match is None or int(match[1]) == 0:
        raise typer.BadParameter(f"{text!r}: use e.g. 30d, 12h, 90m or never")
    unit = {"d": "days", "h": "hours", "m": "minutes"}[match[2]]
    return dt.timedelta(**{unit: int(match[1])})


@token_app.command("create")
def token_create(
    email: str,
    name: Annotated[
        str | None, typer.Option(help="What it is for (default: cli, or the integration).")
    ] = None,
    integration: Annotated[
        str | None,
        typer.Option(
            help="Make it an integration credential for the API client NAME: its inbound "
            "messages vouch for the customer's identity. Give it to a service user."
        ),
    ] = None,
    expires_in: Annotated[
        str | None,
        typer.Option(
            help="30d, 12h, 90m or never (default: MINIDESK_TOKEN_LIFETIME_DAYS for a personal "
            "token, never for an integration)."
        ),
    ] = None,
) -> None:
    """Create an API token for a user and print it (it is shown only once)."""
    from sqlalchemy import select

    from minidesk.desk.models import User
    from minidesk.desk.tokens import TokenError, do_create_token
    from minidesk.events import SYSTEM

    lifetime = _lifetime(expires_in)
    load()
    with db.get_db().transaction() as session:
        user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
        if user is None:
            typer.echo(f"minidesk: no user {email}", err=True)
            raise typer.Exit(1)
        try:
            _, secret = do_create_token(
                session,
                user,
                SYSTEM,
                name or ("cli" if integration is None else ""),
                integration=integration,
                lifetime=lifetime,
            )
        except TokenError as exc:
            typer.echo(f"minidesk: {exc}", err=True)
            raise typer.Exit(1) from None
    typer.echo(secret)


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token by its id (`GET /api/v1/users/{id}/tokens` lists them)."""
    from minidesk.desk.models import ApiToken
    from minidesk.desk.tokens import do_revoke_token
    from minidesk.events import SYSTEM
    from minidesk.realtime import publisher

    publisher.install(load())  # the token's open sockets close at once, on every process
    with db.get_db().transaction() as session:
        token = session.get(ApiToken, token_id)
        if token is None:
            typer.echo(f"minidesk: no token {token_id}", err=True)
            raise typer.Exit(1)
        do_revoke_token(session, token, SYSTEM)
    typer.echo(f"revoked token {token_id}")
