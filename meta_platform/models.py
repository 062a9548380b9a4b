"""A Meta app as a webhook sender: one callback URL and one verify token for all its Pages and
phone numbers.

Meta sends every event of an app (every Page, every WhatsApp number it is subscribed to) to the
one callback URL set in the app's dashboard. A `MetaApp` is that URL (`/webhooks/meta/<key>/`)
with the verify token to paste next to it and the app secret the bodies are signed with. Inboxes
are not linked to it by a key: an entry goes to the inbox with its Page id or phone number id
whose own app secret verifies the body (`inbox.webhook_routing`), so an inbox belongs to the app
whose secret it holds, and nothing needs keeping in sync but the secret itself.
"""

import secrets

from django.db import models

from inbox.models import new_public_key
from kernel.crypto import EncryptedJSONField
from kernel.models import TimestampedModel


def new_verify_token() -> str:
    return secrets.token_urlsafe(24)


class MetaApp(TimestampedModel):
    name = models.CharField(max_length=120)
    # Meta's id of the app (public; shown in its dashboard): for people, not for routing.
    app_id = models.CharField(max_length=64, blank=True)
    # {"app_secret": .., "verify_token": ..}, encrypted like every channel credential.
    credentials = EncryptedJSONField(default=dict, blank=True, help_text="App secret and verify token; never shown")
    public_key = models.CharField(max_length=64, unique=True, default=new_public_key)
    is_active = models.BooleanField(default=True)
    webhook_verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name

    @property
    def webhook_path(self) -> str:
        return f"/webhooks/meta/{self.public_key}/"
