"""Refusals: what a person asked for cannot be done, and nothing was changed.

Every refusal carries a stable `code` for programs (the API, the widget) and a `reason` for
people. The reason is a translatable text with `{named}` placeholders, formatted when it is read,
so it comes out in the language of whoever reads it: the agent's in the composer, the token
owner's in the API.
"""

from django.utils.functional import Promise


class Refused(Exception):
    code = "refused"

    def __init__(self, message: "str | Promise", *, code: str | None = None, **params) -> None:
        self.message = message
        self.params = params
        if code:
            self.code = code
        super().__init__(message)

    @property
    def reason(self) -> str:
        text = str(self.message)
        if not self.params:
            return text
        return text.format(**{key: str(value) for key, value in self.params.items()})

    def __str__(self) -> str:
        return self.reason
