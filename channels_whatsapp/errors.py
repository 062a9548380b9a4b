"""What WhatsApp's error codes mean for us: retry or not, and the reason an agent reads.

Codes from Meta's Cloud API error table (see shared reference §3). Sending and `failed`
status webhooks use the same table, so an agent sees the same words either way.
"""

from django.utils.translation import gettext_lazy as _

WINDOW_CLOSED_REASON = _(
    "More than 24 hours have passed since the customer's last message: WhatsApp only allows "
    "an approved template message until the customer writes again."
)
REAUTH_REASON = _("WhatsApp rejected the inbox's access token (expired or revoked): an admin must enter a new one.")

# Retry with backoff: rate limits, temporary and unknown errors, maintenance.
RETRYABLE_CODES = {130429, 131056, 80007, 4, 131000, 131016, 1, 2, 131057}
# The token is no good: fail the message and flag the inbox for new credentials.
REAUTH_CODES = {190, 0}
# 131056 (pair rate limit): Meta asks for 4^X seconds before attempt X.
PAIR_RATE_LIMIT = 131056

REASONS = {
    131047: WINDOW_CLOSED_REASON,
    131026: "WhatsApp could not deliver the message: the number may not be on WhatsApp, use an old app "
    "version, or have blocked this business.",
    131051: "WhatsApp does not support this message type.",
    131052: "The media could not be downloaded from WhatsApp.",
    131053: "WhatsApp could not process the media file (type or size not supported).",
    131048: "WhatsApp limited this number for spam: messages are not delivered for now.",
    131049: "WhatsApp chose not to deliver this message to keep engagement healthy; try again later.",
    131050: "The customer stopped marketing messages from this business.",
    131031: "The WhatsApp business account is locked: an admin must check it in Meta Business Manager.",
    368: "The WhatsApp business account is restricted for policy violations: an admin must check it.",
    100: "WhatsApp rejected the request as invalid (a parameter is missing or wrong).",
    131008: "WhatsApp rejected the request: a required parameter is missing.",
    131009: "WhatsApp rejected the request: a parameter value is not valid.",
    132000: "The template's parameters do not match: the number of parameters is wrong.",
    132001: "The template does not exist in this language or is not approved.",
    132005: "The template text is too long once filled in.",
    132007: "The template breaks WhatsApp's formatting or content policy.",
    132012: "The template's parameters have the wrong format.",
    132015: "The template is paused because of low quality.",
    132016: "The template is disabled because of low quality.",
    130429: "WhatsApp's sending rate limit was hit.",
    131056: "Too many messages to this customer in a short time.",
    80007: "The WhatsApp business account's rate limit was hit.",
    4: "The app's WhatsApp API rate limit was hit.",
    131000: "WhatsApp reported an unknown error.",
    131016: "WhatsApp is temporarily unavailable.",
    131057: "The WhatsApp business account is in maintenance.",
    190: REAUTH_REASON,
    0: REAUTH_REASON,
}


def reason_for(code: int | None, *, title: str = "", details: str = "") -> str:
    """Meta's error in plain words: our text for known codes, else Meta's own title/details."""
    if code in REASONS:
        return REASONS[code]
    if code is not None and 132000 <= code < 133000:
        return f"WhatsApp rejected the template: {details or title or 'template error'} ({code})."
    text = details or title or "WhatsApp reported an error"
    return f"{text} ({code})" if code is not None else text


def is_retryable(code: int | None, *, http_status: int | None = None) -> bool:
    if code in RETRYABLE_CODES:
        return True
    if code in REAUTH_CODES:
        return False
    # No Meta code: judge by the HTTP status (5xx and 429 are worth another try).
    return code is None and http_status is not None and (http_status >= 500 or http_status == 429)
