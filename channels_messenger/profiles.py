"""Names from Messenger's User Profile API: `GET /{PSID}?fields=first_name,last_name` (the
shared `meta_platform.messaging_profiles`). Without "Business Asset User Profile Access" the
contact keeps its placeholder, "Messenger user …1234", and nothing fails."""

from meta_platform.messaging_profiles import ProfileLookup, profile_due

from .errors import ERRORS
from .sender import graph_request_for

__all__ = ["profile_due", "profile_refresh"]


def _read(answer: dict) -> tuple[str, dict]:
    return " ".join(filter(None, (str(answer.get(k) or "").strip() for k in ("first_name", "last_name")))), {}


LOOKUP = ProfileLookup(
    kind="messenger", fields="first_name,last_name", read=_read, errors=ERRORS, graph_request=graph_request_for
)
profile_refresh = LOOKUP.profile_refresh
