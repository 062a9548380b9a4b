"""Names from the User Profile API: `GET /{PSID}?fields=first_name,last_name`, fetched once per
identity in a task and refreshed rarely. When the profile cannot be read (the app lacks
"Business Asset User Profile Access", the person is gone, any error) the contact keeps its
placeholder, "Messenger user …1234", and nothing fails."""

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from crm.models import ContactIdentity
from crm.services import identity_profile_update
from inbox.models import Inbox
from inbox.services import inbox_credentials_rejected

from . import errors
from .graph import GraphError, graph_request

logger = logging.getLogger(__name__)

FIELDS = "first_name,last_name"
REFRESH_AFTER = timedelta(days=30)
RETRY_AFTER_FAILURE = timedelta(days=1)


def profile_due(identity: ContactIdentity, *, now: datetime | None = None) -> bool:
    """Never fetched, or the last answer is old (a failure is tried again sooner)."""
    fetched = parse_datetime(str(identity.attributes.get("profile_fetched_at") or ""))
    if fetched is None:
        return True
    wait = RETRY_AFTER_FAILURE if identity.attributes.get("profile_error") else REFRESH_AFTER
    return (now or timezone.now()) - fetched >= wait


def profile_refresh(*, identity_id: int, inbox_id: int) -> str:
    """Fetch and store the person's name: updated / unchanged / failed / fresh / missing."""
    identity = ContactIdentity.objects.filter(pk=identity_id, channel="messenger").first()
    inbox = Inbox.objects.filter(pk=inbox_id, kind="messenger").first()
    if identity is None or inbox is None:
        return "missing"
    if not profile_due(identity):
        return "fresh"
    now = timezone.now().isoformat()
    try:
        answer = graph_request(
            "GET",
            f"/{identity.external_id}",
            token=inbox.credentials.get("access_token", ""),
            params={"fields": FIELDS},
        )
    except GraphError as error:
        if errors.is_reauth(error.code, http_status=error.http_status):
            inbox_credentials_rejected(inbox_id=inbox.pk, reason=error.message)
        logger.info("no Messenger profile for identity %s: %s", identity_id, error.message)
        identity_profile_update(
            identity_id=identity_id, attributes={"profile_fetched_at": now, "profile_error": error.message[:300]}
        )
        return "failed"
    name = " ".join(filter(None, (str(answer.get(k) or "").strip() for k in ("first_name", "last_name"))))
    changed = identity_profile_update(
        identity_id=identity_id, display_name=name, attributes={"profile_fetched_at": now, "profile_error": ""}
    )
    return "updated" if changed else "unchanged"
