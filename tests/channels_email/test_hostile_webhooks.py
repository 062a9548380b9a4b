"""Attacks on the inbound email webhooks: a Mailgun signature made with no key, and one seen
once (in a proxy's log, say) replayed with another email or long after."""

import hashlib
import hmac
import time
import uuid

import pytest

from channels_email.models import RawEmail

from .helpers import mail
from .test_webhooks import _basic, hooked_inbox  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _signed(key: bytes, raw: bytes, *, timestamp: int | None = None) -> dict:
    token = uuid.uuid4().hex * 2  # Mailgun's are 50 characters of random
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = hmac.new(key, (stamp + token).encode(), hashlib.sha256).hexdigest()
    return {"timestamp": stamp, "token": token, "signature": signature, "body-mime": raw.decode()}


def test_mailgun_without_a_signing_key_refuses_everything(client, hooked_inbox):  # noqa: F811
    hooked_inbox.credentials = {**hooked_inbox.credentials, "mailgun_signing_key": ""}
    hooked_inbox.save()
    url = f"/webhooks/email/{hooked_inbox.public_key}/mailgun/"

    answer = client.post(url, _signed(b"", mail()), HTTP_AUTHORIZATION=_basic("acme:hook-secret"))

    assert answer.status_code == 403 and not RawEmail.objects.exists()


def test_a_seen_mailgun_signature_cannot_carry_another_email_or_come_back_later(client, hooked_inbox):  # noqa: F811
    url = f"/webhooks/email/{hooked_inbox.public_key}/mailgun/"
    auth = _basic("acme:hook-secret")
    first = _signed(b"mg-signing-key", mail(text="Real"))
    assert client.post(url, first, HTTP_AUTHORIZATION=auth).status_code == 200

    replayed = client.post(url, {**first, "body-mime": mail(text="Forged").decode()}, HTTP_AUTHORIZATION=auth)
    old = _signed(b"mg-signing-key", mail(text="Old"), timestamp=int(time.time()) - 3600)
    late = client.post(url, old, HTTP_AUTHORIZATION=auth)

    assert (replayed.status_code, late.status_code) == (403, 403)
    assert RawEmail.objects.count() == 1
