"""Keys derived from ``MINIDESK_SECRET_KEY``, one per purpose, and encryption of stored secrets.

The master key itself never signs or encrypts anything: each use asks ``derive_key`` for its
own HKDF-SHA256 key, so a key that leaves the desk (a webhook receiver's) reveals nothing
about the others. A new use gets a new ``Purpose``; an existing purpose's label never changes,
or what was signed or encrypted under it stops verifying.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from enum import StrEnum
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from minidesk.settings import get_settings

# The salt the first derived keys (email ticket tokens, stored credentials) were made with;
# kept for every purpose so those keep verifying and decrypting after the upgrade.
SALT = b"minidesk-email"
KEY_BYTES = 32


class Purpose(StrEnum):
    # Signed Reply-To plus-addresses and our Message-IDs: one key, because mail already out
    # carries both and replies to it must still thread after an upgrade.
    TICKET_TOKEN = "ticket-token"
    # Fernet key for secrets stored in the database: mailbox passwords, provider signing
    # keys, customers' webhook secrets.
    STORED_CREDENTIALS = "stored-credentials"
    # Signs rules' webhook POSTs; each receiving origin gets its own key derived from it.
    RULE_WEBHOOK = "rule-webhook-signing"
    # Ties a browser form or script request to the signed-in session it came from.
    CSRF = "csrf"
    # Vouches, between the password and the code, that the password was right (a few minutes).
    SIGN_IN_PENDING = "sign-in-pending"
    # Fernet key for channel instances' secrets (``channels.secrets_encrypted``): its own,
    # so a channel's SMTP or provider credentials and the older stored ones never share one.
    CHANNEL_SECRETS = "channel-secrets"
    # Signs survey links (one-click answers, the comment page, unsubscribe): whoever holds
    # the link may answer that one survey, and nothing else.
    SURVEY_LINK = "survey-link"


def derive_key(purpose: Purpose) -> bytes:
    """The 32-byte key for ``purpose`` under the current master key."""
    return _derive(get_settings().secret, purpose)


@cache
def _derive(secret: bytes, purpose: Purpose) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=SALT, info=purpose.encode())
    return hkdf.derive(secret)


def subkey(purpose: Purpose, label: str) -> bytes:
    """A key for one party under ``purpose`` (e.g. one webhook receiver), so parties sharing a
    purpose cannot forge for each other."""
    return hmac.new(derive_key(purpose), label.encode(), hashlib.sha256).digest()


class CredentialError(ValueError):
    pass


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive_key(Purpose.STORED_CREDENTIALS)))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise CredentialError(
            "stored credential cannot be decrypted: MINIDESK_SECRET_KEY changed since it was "
            "saved; enter it again"
        ) from None
