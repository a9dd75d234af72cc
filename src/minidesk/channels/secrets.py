"""A channel's secrets: one JSON object, Fernet-encrypted under its own derived key."""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from minidesk.keys import CredentialError, Purpose, derive_key


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive_key(Purpose.CHANNEL_SECRETS)))


def seal(values: dict[str, Any]) -> str | None:
    """``values`` encrypted; None when there is nothing to keep."""
    kept = {k: v for k, v in values.items() if v is not None}
    return _fernet().encrypt(json.dumps(kept).encode()).decode() if kept else None


def unseal(token: str | None) -> dict[str, Any]:
    if not token:
        return {}
    try:
        opened: dict[str, Any] = json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise CredentialError(
            "a channel's secrets cannot be decrypted: MINIDESK_SECRET_KEY changed since they "
            "were saved; an admin enters them again"
        ) from None
    return opened
