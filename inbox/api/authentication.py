"""`Authorization: Token <key>` for the REST API: our named, hashed tokens first
(`inbox.api_tokens`), then the single per-user token of DRF's authtoken (what
`create_api_token` prints), so both kinds of key keep working."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from ..api_tokens import KEY_PREFIX, api_token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        if key.startswith(KEY_PREFIX):
            token = api_token_authenticate(key)
            if token is None:
                raise exceptions.AuthenticationFailed(_("Invalid token."))
            if not token.user.is_active:
                raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
            return token.user, token
        return super().authenticate_credentials(key)
