"""What the Messenger Platform's error codes mean for us: retry or not, and the reason an agent
reads. Codes from Meta's Send API error table (shared reference §4)."""

from django.utils.translation import gettext_lazy as _

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

# Retry with backoff: temporary errors and rate limits.
RETRYABLE_CODES = {1, 2, 4, 17, 32, 613, 1200}
REAUTH_CODES = {190}
# (code, subcode) pairs Meta uses for a closed messaging window.
WINDOW_SUBCODES = {2018278, 2534022}

REASONS = {
    551: USER_UNAVAILABLE_REASON,
    613: "Messenger's sending rate limit was hit.",
    4: "The app's Messenger API rate limit was hit.",
    17: "The Page's Messenger API rate limit was hit.",
    32: "The Page's Messenger API rate limit was hit.",
    1: "Messenger reported an unknown error.",
    2: "Messenger is temporarily unavailable.",
    1200: "Messenger had a temporary problem sending the message.",
    190: REAUTH_REASON,
}
SUBCODE_REASONS = {
    2018278: WINDOW_CLOSED_REASON,
    2534022: WINDOW_CLOSED_REASON,
    1545041: USER_UNAVAILABLE_REASON,
    2018001: "Messenger found no person with this id for the Page (the conversation may belong to another Page).",
    2018108: "This person cannot receive messages from the Page right now.",
}


def reason_for(code: int | None, subcode: int | None = None, *, message: str = "") -> str:
    """Meta's error in plain words: our text for known codes, else Meta's own message."""
    if subcode in SUBCODE_REASONS:
        return SUBCODE_REASONS[subcode]
    if code in REASONS:
        return REASONS[code]
    if code is not None and 200 <= code < 300:
        return f"The Messenger app lacks a permission it needs: {message or 'permission error'} ({code})."
    if code == 100:
        return f"Messenger rejected the request as invalid: {message or 'invalid parameter'} (100)."
    text = message or "Messenger reported an error"
    return f"{text} ({code})" if code is not None else text


def is_retryable(code: int | None, subcode: int | None = None, *, http_status: int | None = None) -> bool:
    if subcode in SUBCODE_REASONS:
        return False
    if code in RETRYABLE_CODES:
        return True
    # No Meta code: judge by the HTTP status (5xx and 429 are worth another try).
    return code is None and http_status is not None and (http_status >= 500 or http_status == 429)


def is_reauth(code: int | None, *, http_status: int | None = None) -> bool:
    return code in REAUTH_CODES or (code is None and http_status == 401)
