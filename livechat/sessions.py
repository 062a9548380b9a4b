"""The visitor's session: a signed token, the origin check and optional identity verification.

The token is issued by the server the first time a visitor opens the chat and is kept by the
widget (localStorage, cookie fallback). It holds only the visitor id and the inbox id, signed
with the project's SECRET_KEY and a salt of its own, so it cannot be forged, moved to another
inbox or turned into another visitor. It is stamped with its time of issue and lapses after
WEBCARE_VISITOR_TOKEN_DAYS; every new connection with it renews it.

Which CRM identity a visitor writes as (the "identity key", stored as the live-chat
ContactIdentity.external_id):
- an anonymous visitor: their visitor id (`v-...`), so one browser is one identity;
- a verified user: `u<inbox id>:<user id>` when the host page passes its own user id and
  HMAC-SHA256(user id, inbox secret). Every device of that user then writes as the same
  identity, so they share one contact and one conversation history. The inbox id is part of
  the key because identities are unique per channel, not per inbox, and two websites' user
  "42" are different people. An id with a wrong or missing HMAC is ignored.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from inbox.models import Inbox

TOKEN_SALT = "livechat.visitor-token"  # noqa: S105 (a salt, not a secret)
RESUME_SALT = "livechat.resume-link"
RESUME_DAYS = 14
MAX_USER_ID_LENGTH = 100


@dataclass(frozen=True)
class Visitor:
    visitor_id: str  # one browser (per token)
    inbox_id: int
    verified_user_id: str = ""

    @property
    def identity_key(self) -> str:
        if self.verified_user_id:
            return f"u{self.inbox_id}:{self.verified_user_id}"
        return self.visitor_id

    def external_message_id(self, client_id: str) -> str:
        """Client ids are namespaced per visitor: one visitor can never collide with (and so
        be answered with) another visitor's message."""
        return f"lc:{self.visitor_id}:{client_id}"


def visitor_new(inbox: Inbox) -> tuple[Visitor, str]:
    visitor = Visitor(visitor_id=f"v-{secrets.token_urlsafe(16)}", inbox_id=inbox.pk)
    return visitor, token_for(visitor)


def token_for(visitor: Visitor) -> str:
    """A token stamped with the time it was issued (signing.dumps signs with a timestamp)."""
    return signing.dumps({"v": visitor.visitor_id, "i": visitor.inbox_id}, salt=TOKEN_SALT)


def resume_token_for(inbox: Inbox, identity_key: str) -> str:
    """The token of a link that reopens this visitor's chat (sent by email to a visitor who
    left). Only an anonymous visitor's session can be resumed this way: a verified user's is
    theirs through the host site's login."""
    if not identity_key.startswith("v-"):
        return ""
    return signing.dumps({"v": identity_key, "i": inbox.pk}, salt=RESUME_SALT)


def visitor_from_resume(inbox: Inbox, resume: str) -> Visitor | None:
    """The visitor of a resume link for this inbox; None for a forged, foreign or expired one."""
    if not resume or not isinstance(resume, str) or len(resume) > 300:
        return None
    try:
        data = signing.loads(resume, salt=RESUME_SALT, max_age=RESUME_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("i") != inbox.pk or not str(data.get("v", "")).startswith("v-"):
        return None
    return Visitor(visitor_id=data["v"], inbox_id=inbox.pk)


def token_lifetime_seconds() -> int:
    return int(getattr(settings, "WEBCARE_VISITOR_TOKEN_DAYS", 90)) * 24 * 3600


def visitor_from_token(inbox: Inbox, token: str) -> Visitor | None:
    """The visitor of a valid token for this inbox; None for a forged, altered, foreign or
    expired one (issued more than WEBCARE_VISITOR_TOKEN_DAYS ago: a token copied off a shared
    computer does not open the chat history for ever)."""
    if not token or not isinstance(token, str) or len(token) > 300:
        return None
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=token_lifetime_seconds())
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict) or data.get("i") != inbox.pk or not str(data.get("v", "")).startswith("v-"):
        return None
    return Visitor(visitor_id=data["v"], inbox_id=inbox.pk)


def identity_secret(inbox: Inbox) -> str:
    """The inbox's secret for identity verification, made on first use and kept with the
    inbox's other credentials."""
    secret = (inbox.credentials or {}).get("identity_secret")
    if not secret:
        secret = secrets.token_hex(32)
        inbox.credentials = {**(inbox.credentials or {}), "identity_secret": secret}
        inbox.save(update_fields=["credentials", "updated_at"])
    return secret


def user_hash(inbox: Inbox, user_id: str) -> str:
    """What the host site's server computes: hex HMAC-SHA256 of the user id with the secret."""
    return hmac.new(identity_secret(inbox).encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def verified(visitor: Visitor, inbox: Inbox, *, user_id, user_hash_hex) -> Visitor:
    """The visitor with the host's user id if its HMAC is right; unchanged otherwise."""
    if not user_id or not user_hash_hex or not isinstance(user_id, str | int) or not isinstance(user_hash_hex, str):
        return visitor
    user_id = str(user_id)
    if len(user_id) > MAX_USER_ID_LENGTH or not (inbox.credentials or {}).get("identity_secret"):
        return visitor
    if not hmac.compare_digest(user_hash(inbox, user_id), user_hash_hex.lower()):
        return visitor
    return Visitor(visitor_id=visitor.visitor_id, inbox_id=visitor.inbox_id, verified_user_id=user_id)


def _normalized_origin(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def origin_allowed(inbox: Inbox, origin: str | None) -> bool:
    """The page's Origin against the inbox's allowed origins (an empty list allows any).
    Our own address is always allowed (demo page, previews)."""
    allowed = [_normalized_origin(o) for o in (inbox.config or {}).get("allowed_origins") or [] if o]
    if not allowed or "*" in allowed:
        return True
    if not origin:
        return False
    origin = _normalized_origin(origin)
    return origin in allowed or origin == _normalized_origin(settings.PUBLIC_URL)


@dataclass(frozen=True)
class SessionOpened:
    visitor: Visitor | None
    token: str = ""
    new: bool = False
    refused_retry_after: int = 0  # > 0: too many new sessions from this address


def session_open(inbox: Inbox, *, token, user_id=None, user_hash_hex=None, ip: str = "", resume=None) -> SessionOpened:
    """The visitor of a valid token, or a new visitor (counted against the per-address limit).
    A bad or expired token is not an error the visitor can fix: they simply start a new
    session. A valid token is renewed (issued again, with today's time), so a visitor who
    keeps coming back keeps their history; the widget stores the token it is given. A valid
    resume link (`resume`) wins over the token: it is how a visitor who left gets back to the
    conversation answered by email, in whatever browser they open the email."""
    from . import limits

    visitor = visitor_from_resume(inbox, resume) if resume else None
    visitor = visitor or (visitor_from_token(inbox, token) if token else None)
    new = visitor is None
    if new:
        verdict = limits.session_start(ip or "unknown")
        if not verdict.allowed:
            return SessionOpened(visitor=None, refused_retry_after=max(verdict.retry_after, 1))
        visitor, token = visitor_new(inbox)
    else:
        token = token_for(visitor)
    visitor = verified(visitor, inbox, user_id=user_id, user_hash_hex=user_hash_hex)
    return SessionOpened(visitor=visitor, token=token, new=new)
