"""Meta apps as webhook senders: create one, find the inboxes it delivers to, change its secret.

An inbox belongs to the Meta app whose app secret it holds (see `models.MetaApp`): the same
secret is what lets an entry into the inbox (`inbox.webhook_routing`).
"""

import hmac

from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from inbox import channel_registry
from inbox.models import Inbox
from inbox.provisioning import ProvisioningError

from .models import MetaApp, new_verify_token


def meta_kinds() -> list[str]:
    """The channels whose bodies come through a Meta app URL."""
    return [channel.kind for channel in channel_registry.channels() if channel.webhook_object]


def meta_app_create(*, name: str, app_secret: str, verify_token: str = "", app_id: str = "", actor=None) -> MetaApp:
    """A Meta app with its callback URL; the verify token is generated when none is given."""
    if not app_secret:
        raise ProvisioningError("A Meta app needs its app secret.")
    with transaction.atomic():
        app = MetaApp.objects.create(
            name=name,
            app_id=app_id,
            credentials={"app_secret": app_secret, "verify_token": verify_token or new_verify_token()},
        )
        audit_record(actor=actor, action=AuditAction.META_APP_CREATED, target=app, app_id=app_id)
    return app


def meta_app_inboxes(app: MetaApp) -> list[Inbox]:
    """The active inboxes the app delivers to: those holding its app secret."""
    secret = app.credentials.get("app_secret", "")
    return [
        inbox
        for inbox in Inbox.objects.filter(kind__in=meta_kinds(), is_active=True).order_by("name", "pk")
        if secret and hmac.compare_digest(inbox.credentials.get("app_secret", "").encode(), secret.encode())
    ]


def meta_app_secret_change(*, app: MetaApp, app_secret: str, actor=None) -> list[Inbox]:
    """Meta reset the app secret: store the new one on the app and on every inbox that held the
    old one, together, so no Page or number stops receiving. Returns those inboxes."""
    if not app_secret:
        raise ProvisioningError("A Meta app needs its app secret.")
    with transaction.atomic():
        inboxes = meta_app_inboxes(app)
        app.credentials = {**app.credentials, "app_secret": app_secret}
        app.save(update_fields=["credentials", "updated_at"])
        for inbox in inboxes:
            inbox.credentials = {**inbox.credentials, "app_secret": app_secret}
            inbox.save(update_fields=["credentials", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.META_APP_SECRET_CHANGED,
            target=app,
            inboxes=[inbox.pk for inbox in inboxes],
            credentials="[redacted]",
        )
    return inboxes


def meta_app_verified(app: MetaApp) -> None:
    """Meta completed the handshake for the app URL: stamp the app and the inboxes it delivers to."""
    now = timezone.now()
    MetaApp.objects.filter(pk=app.pk).update(webhook_verified_at=now)
    Inbox.objects.filter(pk__in=[inbox.pk for inbox in meta_app_inboxes(app)]).update(webhook_verified_at=now)


def meta_app_summary(app: MetaApp) -> dict:
    """What to paste into Meta's dashboard: the callback URL and the verify token (the token is
    not a secret Meta keeps from us; it only proves the URL is ours at the handshake)."""
    return {
        "id": app.pk,
        "webhook_url": app.webhook_path,
        "verify_token": app.credentials.get("verify_token", ""),
        "inboxes": [inbox.pk for inbox in meta_app_inboxes(app)],
    }
