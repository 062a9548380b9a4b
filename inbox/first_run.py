"""First run without the command line: the first admin is made in the browser at /setup/.

Whoever reaches a fresh installation first must not be able to take it over, so the setup asks
for a one-time setup token only the person who started the server can read:
- with `WEBCARE_SETUP_TOKEN` set (at least 20 characters), that token;
- otherwise a token derived from the installation's secret key and a random salt stored in
  `FirstRunSetup` (an HMAC: the database holds no token, and every server process of the
  installation derives the same one). The server prints it in its log when it starts
  (`setup_token_announce`) and again when someone opens /setup/.

The setup is open only while it never completed and no active admin exists. Making the first
admin closes it for good (`FirstRunSetup.completed_at`), under the setup row's lock, so two
browsers racing with the right token make one admin, not two.
"""

import base64
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from kernel.refusals import Refused

from .models import AgentProfile, FirstRunSetup, Role

logger = logging.getLogger(__name__)

MIN_ENV_TOKEN_LENGTH = 20
SETUP_ROW = 1


class SetupRefused(Refused):
    code = "setup_refused"


def _admins():
    return (
        get_user_model().objects.filter(is_active=True).filter(Q(is_superuser=True) | Q(agent_profile__role=Role.ADMIN))
    )


def setup_open() -> bool:
    """True while no setup completed and no active admin exists."""
    if FirstRunSetup.objects.filter(pk=SETUP_ROW, completed_at__isnull=False).exists():
        return False
    return not _admins().exists()


def _row() -> FirstRunSetup:
    row, _created = FirstRunSetup.objects.get_or_create(pk=SETUP_ROW, defaults={"salt": secrets.token_hex(32)})
    return row


def _environment_token() -> str:
    token = settings.WEBCARE_SETUP_TOKEN.strip()
    if token and len(token) < MIN_ENV_TOKEN_LENGTH:
        logger.warning("WEBCARE_SETUP_TOKEN is shorter than %s characters and is ignored", MIN_ENV_TOKEN_LENGTH)
        return ""
    return token


def setup_token() -> str:
    """The token the setup asks for."""
    token = _environment_token()
    if token:
        return token
    digest = hmac.new(settings.SECRET_KEY.encode(), f"webcare-first-run:{_row().salt}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()[:20]).decode().lower()


def setup_token_matches(token: str) -> bool:
    return hmac.compare_digest(token.strip().lower().encode(), setup_token().lower().encode())


def setup_token_announce() -> bool:
    """Print the setup token in the server's log while the setup is open; True when it did."""
    if not setup_open():
        return False
    address = f"{settings.PUBLIC_URL.rstrip('/')}/setup/"
    if _environment_token():
        logger.warning("Webcare has no admin yet: open %s and enter the token of WEBCARE_SETUP_TOKEN", address)
    else:
        logger.warning("Webcare has no admin yet: open %s and enter the setup token %s", address, setup_token())
    return True


def first_admin_create(*, token: str, name: str, email: str, username: str, password: str):
    """Make the first admin (the caller validated the password) and close the setup for good."""
    User = get_user_model()
    with transaction.atomic():
        _row()
        row = FirstRunSetup.objects.select_for_update().get(pk=SETUP_ROW)
        if row.completed_at is not None or _admins().exists():
            raise SetupRefused(_("This installation is already set up. Sign in instead."), code="setup_closed")
        if not setup_token_matches(token):
            raise SetupRefused(
                _("That setup token is not right. It is in the server's log (or WEBCARE_SETUP_TOKEN)."),
                code="setup_token_wrong",
            )
        if User.objects.filter(username__iexact=username).exists():
            raise SetupRefused(_("That username is taken."), code="username_taken")
        first, _sep, last = name.strip().partition(" ")
        user = User(
            username=username,
            email=User.objects.normalize_email(email),
            first_name=first[:150],
            last_name=last.strip()[:150],
            is_staff=True,
            is_superuser=True,
        )
        user.set_password(password)
        user.save()
        AgentProfile.objects.create(user=user, role=Role.ADMIN)
        row.completed_at = timezone.now()
        row.save(update_fields=["completed_at", "updated_at"])
        audit_record(actor=user, action=AuditAction.AGENT_CREATED, target=user, label=username, role=Role.ADMIN)
    return user
