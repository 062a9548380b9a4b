"""Secrets at rest: channel credentials (access tokens, app secrets) are stored encrypted.

Fernet (AES-128-CBC + HMAC-SHA256) from the `cryptography` package, with the key from the
environment: `WEBCARE_SECRETS_KEY`, one or more comma-separated passphrases or Fernet keys (the
first encrypts, all decrypt, so a key can be rotated: add the new one first, re-save, drop the
old). Unset, the key is derived from SECRET_KEY, which is fine for a laptop; in production set
it, so a database dump alone never reveals a token. WEBCARE_SECRETS_DECRYPT_ONLY_KEYS (set by
the settings on a laptop) adds keys that only decrypt what an earlier derived key wrote.
"""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

FERNET_PREFIX = "gAAAAA"  # every Fernet token starts with its version byte and timestamp


class SecretsKeyError(Exception):
    """Stored secrets cannot be decrypted with the configured key(s)."""


def _fernet_key(material: str) -> bytes:
    material = material.strip()
    try:
        if len(base64.urlsafe_b64decode(material.encode())) == 32:
            return material.encode()  # already a Fernet key
    except (ValueError, TypeError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest())


def secrets_cipher() -> MultiFernet:
    configured = getattr(settings, "WEBCARE_SECRETS_KEY", "") or ""
    materials = [part for part in configured.split(",") if part.strip()]
    if not materials:
        materials = ["webcare-secrets:" + settings.SECRET_KEY]
        # Decrypt-only keys come after: MultiFernet encrypts with the first key only.
        materials += list(getattr(settings, "WEBCARE_SECRETS_DECRYPT_ONLY_KEYS", []) or [])
    return MultiFernet([Fernet(_fernet_key(material)) for material in materials])


def encrypt_json(value) -> str:
    return secrets_cipher().encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()


def decrypt_json(stored: str):
    if not stored.startswith(FERNET_PREFIX):
        return json.loads(stored)  # written before encryption (the migration re-saves it)
    try:
        return json.loads(secrets_cipher().decrypt(stored.encode()))
    except InvalidToken:
        raise SecretsKeyError(
            "Stored channel credentials cannot be decrypted: WEBCARE_SECRETS_KEY (or SECRET_KEY) changed."
        ) from None


class EncryptedJSONField(models.TextField):
    """A JSON object kept encrypted in a text column. Not searchable, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return {}
        return decrypt_json(value)

    def to_python(self, value):
        if isinstance(value, dict) or value is None:
            return value or {}
        return decrypt_json(value)

    def get_prep_value(self, value):
        if value is None:
            value = {}
        return encrypt_json(value)

    def value_to_string(self, obj):
        return ""  # serializers (dumpdata) never see the secrets
