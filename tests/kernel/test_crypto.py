"""Channel credentials are encrypted at rest and survive a key rotation."""

import pytest
from django.db import connection

from inbox.models import Inbox
from kernel.crypto import SecretsKeyError
from tests.factories import make_inbox

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

TOKEN = "EAAG-very-secret-token-123"


def stored_text(inbox) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM inbox_inbox WHERE id = %s", [inbox.pk])
        return cursor.fetchone()[0]


def test_a_database_dump_does_not_reveal_the_token_but_the_app_reads_it(settings):
    settings.WEBCARE_SECRETS_KEY = "first-key"
    inbox = make_inbox("whatsapp", credentials={"access_token": TOKEN, "app_secret": "s3cr3t"})
    raw = stored_text(inbox)
    assert TOKEN not in raw and "s3cr3t" not in raw and raw.startswith("gAAAAA")
    assert Inbox.objects.get(pk=inbox.pk).credentials == {"access_token": TOKEN, "app_secret": "s3cr3t"}


def test_keys_rotate_new_first_old_still_decrypts(settings):
    settings.WEBCARE_SECRETS_KEY = "old-key"
    inbox = make_inbox("whatsapp", credentials={"access_token": TOKEN})
    settings.WEBCARE_SECRETS_KEY = "new-key,old-key"
    reloaded = Inbox.objects.get(pk=inbox.pk)
    assert reloaded.credentials["access_token"] == TOKEN
    reloaded.save()  # written again with the new key
    settings.WEBCARE_SECRETS_KEY = "new-key"
    assert Inbox.objects.get(pk=inbox.pk).credentials["access_token"] == TOKEN


def test_a_wrong_key_fails_loudly_without_printing_anything_secret(settings):
    settings.WEBCARE_SECRETS_KEY = "right-key"
    inbox = make_inbox("whatsapp", credentials={"access_token": TOKEN})
    settings.WEBCARE_SECRETS_KEY = "wrong-key"
    with pytest.raises(SecretsKeyError) as raised:
        Inbox.objects.get(pk=inbox.pk)
    assert TOKEN not in str(raised.value) and "WEBCARE_SECRETS_KEY" in str(raised.value)
