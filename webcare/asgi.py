"""One ASGI application for HTTP and websockets.

Agents' websockets pass the allowed-hosts origin check and session auth; each consumer then
checks permissions itself on connect and on every group it joins. The live-chat widget runs on
other websites, so its sockets (`/ws/livechat/...`) skip both: no cookies are used there, and
the visitor consumer checks the Origin against the inbox's own allowed origins instead.

In front of both: `TrustedProxies` (forwarded headers count only from our own proxies) and,
for HTTP, `BodyLimit` (a body over its route's limit is refused before Django reads it).
"""

import logging
import os
import threading

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
django_asgi_app = get_asgi_application()  # must run before importing consumers (app registry)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402

from kernel import realtime  # noqa: E402
from kernel.proxies import TrustedProxies  # noqa: E402
from webcare.body_limits import BodyLimit  # noqa: E402
from webcare.routing import livechat_websocket_urlpatterns, websocket_urlpatterns  # noqa: E402

LIVECHAT_PREFIX = "/ws/livechat/"


class WebsocketsByPath:
    """Send live-chat sockets to their own stack and every other socket to the agents' stack."""

    def __init__(self, *, livechat, agents):
        self.livechat = livechat
        self.agents = agents

    async def __call__(self, scope, receive, send):
        realtime.bind_server_loop()
        app = self.livechat if scope.get("path", "").startswith(LIVECHAT_PREFIX) else self.agents
        return await app(scope, receive, send)


protocols = ProtocolTypeRouter(
    {
        "http": BodyLimit(django_asgi_app),
        "websocket": WebsocketsByPath(
            livechat=URLRouter(livechat_websocket_urlpatterns),
            agents=AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        ),
    }
)
application = TrustedProxies(protocols)


def _first_run_announce() -> None:
    """Print the setup token while the installation has no admin (docs/configuration.md).
    In a thread: the server's event loop may already run, where the ORM must not be called."""
    from inbox import first_run

    try:
        first_run.setup_token_announce()
    except Exception:  # a database not migrated yet: the /setup/ page prints it on a visit
        logging.getLogger(__name__).info("first-run setup check skipped", exc_info=True)
    finally:
        connections.close_all()


if settings.WEBCARE_SETUP_ANNOUNCE:
    threading.Thread(target=_first_run_announce, name="first-run-announce", daemon=True).start()
