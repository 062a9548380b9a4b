"""Named REST API tokens of one's own: made (the key shown once), used, revoked.

Only a SHA-256 hash of each key is stored. The keys are 256 random bits, so a fast hash is
enough (a slow password hash would protect nothing more and cost every API request time).
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from kernel.refusals import Refused

from .models import ApiToken

KEY_PREFIX = "wct_"
# Writing "last used" on every request would make each API call a write; a minute is exact
# enough for a person deciding whether a token is still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenRefused(Refused):
    code = "api_token_refused"


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it and its key, which is never available again."""
    name = name.strip()
    if not name:
        raise ApiTokenRefused(_("Give the token a name, so you know later what uses it."), code="token_name_missing")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name[:80], key_hash=api_token_hash(key), prefix=key[:10])
        audit_record(
            actor=user, action=AuditAction.API_TOKEN_CREATED, target=token, label=token.name, owner=user.get_username()
        )
    return token, key


def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke the token at once; revoking it again changes nothing."""
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if changed:
            audit_record(actor=actor, action=AuditAction.API_TOKEN_REVOKED, target=token, label=token.name)
    token.refresh_from_db()
    return token


def api_token_authenticate(key: str) -> ApiToken | None:
    """The live token with this key (its user loaded), noting its use; None if there is none."""
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(key), revoked_at__isnull=True).first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_PRECISION:
        # Conditional, so concurrent requests write it once and an older time never wins.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_tokens_of(user):
    return ApiToken.objects.filter(user=user)
