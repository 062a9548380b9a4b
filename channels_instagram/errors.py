"""What the Messenger Platform's error codes mean on Instagram Direct (the shared reading of
`meta_platform.messaging_errors`), in Instagram's words."""

from django.utils.translation import gettext_lazy as _

from meta_platform.messaging_errors import MessagingErrors, PlatformReasons

ERRORS = MessagingErrors(
    PlatformReasons(
        name="Instagram",
        window_closed=_(
            "More than 24 hours have passed since the customer's last message: Instagram allows no reply "
            "until the customer writes again."
        ),
        human_agent_closed=_(
            "More than 7 days have passed since the customer's last message: Instagram allows no reply, "
            "not even a human agent's, until the customer writes again."
        ),
        human_agent_disabled=_(
            "More than 24 hours have passed since the customer's last message. Instagram allows a human "
            "agent's reply for 7 days only with the HUMAN_AGENT tag, which this inbox does not have enabled."
        ),
        human_agent_only=_(
            "More than 24 hours have passed since the customer's last message: only a human agent may "
            "still reply on Instagram (HUMAN_AGENT tag), not a bot or automation."
        ),
        no_customer_message=_(
            "The customer has not written to this Instagram account yet: Instagram allows no message first."
        ),
        user_unavailable=_(
            "This person isn't available on Instagram right now (they blocked the account or deactivated theirs)."
        ),
        reauth=_("Instagram rejected the inbox's access token (expired or revoked): an admin must enter a new one."),
    )
)
