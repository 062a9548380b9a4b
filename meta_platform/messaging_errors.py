"""What the Messenger Platform's error codes mean (for a Page's Messenger and for Instagram
Direct alike): retry or not, and the reason an agent reads. Codes from Meta's Send API error
table; each channel gives the reasons in its own words (`PlatformReasons`)."""

from dataclasses import dataclass

from django.utils.functional import Promise

# Retry with backoff: temporary errors and rate limits.
RETRYABLE_CODES = {1, 2, 4, 17, 32, 613, 1200}
REAUTH_CODES = {190}
# Subcodes Meta uses for a closed messaging window.
WINDOW_SUBCODES = {2018278, 2534022}
USER_UNAVAILABLE_SUBCODE = 1545041


@dataclass(frozen=True)
class PlatformReasons:
    """A channel's reasons, in its own words (translatable), for what agents read."""

    name: str  # "Messenger", "Instagram"
    window_closed: "str | Promise"
    human_agent_closed: "str | Promise"
    human_agent_disabled: "str | Promise"
    human_agent_only: "str | Promise"
    no_customer_message: "str | Promise"
    user_unavailable: "str | Promise"
    reauth: "str | Promise"


class MessagingErrors:
    """Meta's error codes read for one channel."""

    def __init__(self, reasons: PlatformReasons) -> None:
        self.reasons = reasons
        name = reasons.name
        self.code_reasons = {
            551: reasons.user_unavailable,
            613: f"{name}'s sending rate limit was hit.",
            4: f"The app's {name} API rate limit was hit.",
            17: f"The account's {name} API rate limit was hit.",
            32: f"The account's {name} API rate limit was hit.",
            1: f"{name} reported an unknown error.",
            2: f"{name} is temporarily unavailable.",
            1200: f"{name} had a temporary problem sending the message.",
            190: reasons.reauth,
        }
        self.subcode_reasons = {
            **dict.fromkeys(WINDOW_SUBCODES, reasons.window_closed),
            USER_UNAVAILABLE_SUBCODE: reasons.user_unavailable,
            2018001: f"{name} found no person with this id for the account (the conversation may belong to another).",
            2018108: "This person cannot receive messages from the account right now.",
        }

    def reason_for(self, code: int | None, subcode: int | None = None, *, message: str = "") -> str:
        """Meta's error in plain words: our text for known codes, else Meta's own message."""
        name = self.reasons.name
        if subcode in self.subcode_reasons:
            return self.subcode_reasons[subcode]
        if code in self.code_reasons:
            return self.code_reasons[code]
        if code is not None and 200 <= code < 300:
            return f"The {name} app lacks a permission it needs: {message or 'permission error'} ({code})."
        if code == 100:
            return f"{name} rejected the request as invalid: {message or 'invalid parameter'} (100)."
        text = message or f"{name} reported an error"
        return f"{text} ({code})" if code is not None else text

    def is_retryable(self, code: int | None, subcode: int | None = None, *, http_status: int | None = None) -> bool:
        if subcode in self.subcode_reasons:
            return False
        if code in RETRYABLE_CODES:
            return True
        # No Meta code: judge by the HTTP status (5xx and 429 are worth another try).
        return code is None and http_status is not None and (http_status >= 500 or http_status == 429)

    @staticmethod
    def is_reauth(code: int | None, *, http_status: int | None = None) -> bool:
        return code in REAUTH_CODES or (code is None and http_status == 401)
