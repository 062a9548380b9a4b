"""What the Messenger Platform's error codes mean for us: retry or not, and the reason an agent
reads: the shared Messenger Platform reading (`meta_platform.messaging_errors`) in Messenger's
words."""

from django.utils.translation import gettext_lazy as _

from meta_platform.messaging_errors import MessagingErrors, PlatformReasons

WINDOW_CLOSED_REASON = _(
    "More than 24 hours have passed since the customer's last message: Messenger allows no reply "
    "until the customer writes again."
)
HUMAN_AGENT_CLOSED_REASON = _(
    "More than 7 days have passed since the customer's last message: Messenger allows no reply, "
    "not even a human agent's, until the customer writes again."
)
HUMAN_AGENT_DISABLED_REASON = _(
    "More than 24 hours have passed since the customer's last message. Messenger allows a human "
    "agent's reply for 7 days only with the HUMAN_AGENT tag, which this inbox does not have enabled."
)
HUMAN_AGENT_ONLY_REASON = _(
    "More than 24 hours have passed since the customer's last message: only a human agent may "
    "still reply on Messenger (HUMAN_AGENT tag), not a bot or automation."
)
NO_CUSTOMER_MESSAGE_REASON = _("The customer has not written to this Page yet: Messenger allows no message first.")
USER_UNAVAILABLE_REASON = _(
    "This person isn't available on Messenger right now (they blocked the Page or deactivated their account)."
)
REAUTH_REASON = _(
    "Messenger rejected the inbox's Page access token (expired or revoked): an admin must enter a new one."
)

ERRORS = MessagingErrors(
    PlatformReasons(
        name="Messenger",
        window_closed=WINDOW_CLOSED_REASON,
        human_agent_closed=HUMAN_AGENT_CLOSED_REASON,
        human_agent_disabled=HUMAN_AGENT_DISABLED_REASON,
        human_agent_only=HUMAN_AGENT_ONLY_REASON,
        no_customer_message=NO_CUSTOMER_MESSAGE_REASON,
        user_unavailable=USER_UNAVAILABLE_REASON,
        reauth=REAUTH_REASON,
    )
)
reason_for = ERRORS.reason_for
is_retryable = ERRORS.is_retryable
is_reauth = ERRORS.is_reauth
