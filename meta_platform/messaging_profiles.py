"""Names from the Messenger Platform's profile API (`GET /{user-id}?fields=...`) for a Page's
Messenger and Instagram Direct alike: fetched once per identity in a task and refreshed rarely.
When the profile cannot be read (the app lacks the permission or App Review it needs, the person
is gone, any error) the contact keeps its placeholder ("Messenger user …1234") and nothing fails.
Each channel says which fields it asks for and how they make a name (`ProfileLookup`)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from crm.models import ContactIdentity
from crm.services import identity_profile_update
from inbox.models import Inbox
from inbox.services import inbox_credentials_rejected

from .graph import GraphError
from .messaging_errors import MessagingErrors

logger = logging.getLogger(__name__)

REFRESH_AFTER = timedelta(days=30)
RETRY_AFTER_FAILURE = timedelta(days=1)


def profile_due(identity: ContactIdentity, *, now: datetime | None = None) -> bool:
    """Never fetched, or the last answer is old (a failure is tried again sooner)."""
    fetched = parse_datetime(str(identity.attributes.get("profile_fetched_at") or ""))
    if fetched is None:
        return True
    wait = RETRY_AFTER_FAILURE if identity.attributes.get("profile_error") else REFRESH_AFTER
    return (now or timezone.now()) - fetched >= wait


@dataclass(frozen=True)
class ProfileLookup:
    kind: str  # the channel kind of the identities and inboxes
    fields: str  # what to ask for, e.g. "first_name,last_name"
    # The profile API's answer -> (display name, extra identity attributes such as a username).
    read: Callable[[dict], tuple[str, dict]]
    errors: MessagingErrors
    graph_request: Callable  # (method, path, *, inbox, token, **kwargs) -> dict

    def profile_refresh(self, *, identity_id: int, inbox_id: int) -> str:
        """Fetch and store the person's name: updated / unchanged / failed / fresh / missing."""
        identity = ContactIdentity.objects.filter(pk=identity_id, channel=self.kind).first()
        inbox = Inbox.objects.filter(pk=inbox_id, kind=self.kind).first()
        if identity is None or inbox is None:
            return "missing"
        if not profile_due(identity):
            return "fresh"
        now = timezone.now().isoformat()
        try:
            answer = self.graph_request(
                "GET",
                f"/{identity.external_id}",
                inbox=inbox,
                token=inbox.credentials.get("access_token", ""),
                params={"fields": self.fields},
            )
        except GraphError as error:
            if self.errors.is_reauth(error.code, http_status=error.http_status):
                inbox_credentials_rejected(inbox_id=inbox.pk, reason=error.message)
            logger.info("no %s profile for identity %s: %s", self.kind, identity_id, error.message)
            identity_profile_update(
                identity_id=identity_id, attributes={"profile_fetched_at": now, "profile_error": error.message[:300]}
            )
            return "failed"
        name, attributes = self.read(answer)
        changed = identity_profile_update(
            identity_id=identity_id,
            display_name=name,
            attributes={**attributes, "profile_fetched_at": now, "profile_error": ""},
        )
        return "updated" if changed else "unchanged"
