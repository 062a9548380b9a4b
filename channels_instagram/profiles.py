"""Names from Instagram's User Profile API: `GET /{IGSID}?fields=name,username` (the shared
`meta_platform.messaging_profiles`). The contact is called by the person's name, else
"@username"; the username is kept on the identity (`attributes["username"]`). Meta answers only
once the person has messaged the account (a comment alone gives no consent): until then, or on
any error, the contact keeps its placeholder "Instagram user …1234"."""

from meta_platform.messaging_profiles import ProfileLookup, profile_due

from .errors import ERRORS
from .graph import graph_request_for

__all__ = ["profile_due", "profile_refresh"]


def _read(answer: dict) -> tuple[str, dict]:
    name = str(answer.get("name") or "").strip()
    username = str(answer.get("username") or "").strip()
    return name or (f"@{username}" if username else ""), ({"username": username} if username else {})


LOOKUP = ProfileLookup(
    kind="instagram", fields="name,username", read=_read, errors=ERRORS, graph_request=graph_request_for
)
profile_refresh = LOOKUP.profile_refresh
