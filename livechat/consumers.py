"""The visitor's websocket: `/ws/livechat/<widget key>/`.

Connect: the widget key must name an active live-chat inbox and the page's Origin must be one
of the inbox's allowed origins (this route does not go through AllowedHostsOriginValidator:
the widget runs on other sites). Then the widget says `hello` with its token (or none: the
server issues one), and gets its session: token, availability and history.

Frames from the widget: `hello` {token, user_id?, user_hash?, page, lang} (`lang`: the language the
widget speaks, which becomes the contact's language), `message` {client_id, text, profile?, choice?}, `typing`, `ping`,
`availability` (asks again whether anyone is there)
(`choice`: the id of a tapped answer button, e.g. a survey score).
Frames to the widget: `session`, `ack` {client_id, message}, `message`, `seen` {up_to},
`typing` {name, typing}, `error` {code, detail, client_id?, retry_after?}, `pong`,
`availability` {online, within_hours, opens_at, agents}.

Availability is live: after hello the socket joins its inbox's visitors group, and an agent's
status change (`availability_changed`) makes it send the inbox's availability anew. That event
is a hint and may be lost, and business hours open and close with no event at all, so the
widget also asks again (`availability`) every minute while it is connected.
"""

import asyncio
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from kernel import realtime
from kernel.json_text import json_loads
from kernel.proxies import scope_client_address

from . import presence, selectors, services, sessions

HELLO_TIMEOUT_SECONDS = 15
TYPING_INTERVAL_SECONDS = 1.0
MAX_FRAME_CHARS = 20_000


class VisitorConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.joined: set[str] = set()
        self.visitor = None
        self.conversation_id = None
        self.last_typing = 0.0
        # Messages this tab already has (its own, and each one pushed): a repeat is skipped.
        self.shown: set[int] = set()
        self.inbox = await database_sync_to_async(selectors.livechat_inbox_by_key)(
            self.scope["url_route"]["kwargs"].get("widget_key")
        )
        if self.inbox is None:
            await self.close(code=4404)
            return
        if not sessions.origin_allowed(self.inbox, _header(self.scope, b"origin")):
            await self.close(code=4403)
            return
        await self.accept()
        self.hello_deadline = asyncio.get_running_loop().call_later(HELLO_TIMEOUT_SECONDS, self._hello_overdue)

    async def disconnect(self, code):
        await self._heard()
        deadline = getattr(self, "hello_deadline", None)
        if deadline is not None:
            deadline.cancel()
        for group in list(getattr(self, "joined", ())):
            await self.channel_layer.group_discard(group, self.channel_name)

    def _hello_overdue(self):
        if self.visitor is None:
            asyncio.ensure_future(self.close(code=4408))

    @classmethod
    async def decode_json(cls, text_data):
        return json_loads(text_data)  # deep nesting is a ValueError, not a RecursionError

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > MAX_FRAME_CHARS:
            await self._error("frame_too_large", "Frames are JSON text of at most 20,000 characters.")
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            content = None
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        await self._heard()
        if kind == "hello":
            await self._hello(content)
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        elif self.visitor is None:
            await self._error("hello_first", "Say hello with your token first.")
        elif kind == "message":
            await self._message(content)
        elif kind == "typing":
            await self._typing(content)
        elif kind == "availability":
            await self._availability()
        else:
            await self._error("unknown_type", "Unknown frame type.")

    async def _hello(self, content):
        if self.visitor is not None:
            await self._error("already_started", "This connection already has a session.")
            return
        opened = await database_sync_to_async(sessions.session_open)(
            self.inbox,
            token=content.get("token"),
            user_id=content.get("user_id"),
            user_hash_hex=content.get("user_hash"),
            ip=scope_client_address(self.scope),
            resume=content.get("resume"),
        )
        if opened.visitor is None:
            await self._error(
                "too_many_sessions",
                "Too many new chats from your network; try again later.",
                retry_after=opened.refused_retry_after,
            )
            await self.close(code=4429)
            return
        self.visitor = opened.visitor
        self.page = content.get("page") if isinstance(content.get("page"), str) else ""
        self.language = services.visitor_language(content.get("lang"))
        await self._heard()
        # Join the pending group before looking the identity up: a first message committed in
        # another tab meanwhile is then either seen by the lookup or announced to this socket.
        await self._join(services.pending_group(self.visitor.identity_key))
        state = await database_sync_to_async(selectors.visitor_state)(
            inbox=self.inbox, identity_key=self.visitor.identity_key
        )
        await self._join(realtime.inbox_visitors_group(self.inbox.pk))
        if state["identity_id"]:
            await self._join_visitor_group(state["identity_id"])
        self.conversation_id = state.pop("conversation_id")
        state.pop("identity_id")
        await self.send_json(
            {
                "type": "session",
                "token": opened.token,
                "new": opened.new,
                "verified": bool(self.visitor.verified_user_id),
                **state,
            }
        )

    async def _message(self, content):
        client_id = content.get("client_id")
        try:
            profile = services.profile_from(content.get("profile"))
            received = await database_sync_to_async(services.visitor_message_receive)(
                inbox=self.inbox,
                visitor=self.visitor,
                client_id=client_id,
                text=content.get("text"),
                choice=content.get("choice"),
                profile=profile,
                page=self.page,
                language=self.language,
            )
        except services.VisitorMessageRefused as refused:
            await self._error(refused.code, refused.reason, client_id=client_id, retry_after=refused.retry_after)
            return
        await self._join_visitor_group(received.identity_id)
        self.conversation_id = received.message.conversation_id
        self._shown_add(received.message.pk)
        message = await database_sync_to_async(selectors.message_public)(received.message)
        await self.send_json({"type": "ack", "client_id": client_id, "message": message})

    async def _typing(self, content):
        now = time.monotonic()
        if self.conversation_id is None or now - self.last_typing < TYPING_INTERVAL_SECONDS:
            return
        self.last_typing = now
        await realtime.publish_async(
            [realtime.conversation_group(self.conversation_id)],
            "visitor_typing",
            conversation_id=self.conversation_id,
            typing=content.get("typing", True) is not False,
        )

    async def realtime_event(self, event):
        name = event.get("event")
        if name == "identity_ready":
            await self._join_visitor_group(event["identity_id"])
        # A new message is shown once (the other group's copy may have won); a changed one (its
        # files stored since) is shown again as it is now.
        changed = name == "message_updated"
        if changed or (name in ("identity_ready", "message_created") and event.get("message_id") not in self.shown):
            message = await database_sync_to_async(selectors.message_for_visitor)(
                inbox=self.inbox, identity_key=self.visitor.identity_key, message_id=event.get("message_id")
            )
            if message is not None and (changed or message["id"] not in self.shown):
                self._shown_add(message["id"])
                self.conversation_id = message["conversation_id"]
                await self.send_json({"type": "message", "message": message})
        elif name == "messages_seen":
            await self.send_json({"type": "seen", "up_to": event.get("up_to")})
        elif name == "agent_typing":
            await self.send_json({"type": "typing", "name": event.get("name"), "typing": event.get("typing", True)})
        elif name == "availability_changed":
            await self._availability()

    async def _heard(self) -> None:
        """The visitor's widget is open (see `presence`): an agent's reply goes by email only
        once it has been quiet for a while."""
        if getattr(self, "visitor", None) is not None:
            await database_sync_to_async(presence.presence_touch)(self.inbox.pk, self.visitor.identity_key)

    async def _availability(self):
        state = await database_sync_to_async(selectors.widget_availability)(self.inbox)
        await self.send_json({"type": "availability", **state})

    async def _join_visitor_group(self, identity_id: int) -> None:
        # The pending group stays joined: on Redis pub/sub a group joined a moment ago may not
        # receive yet, and the bot's answer to a first message is published to both groups at
        # about that moment. A message that comes through both is shown once (`shown`).
        group = realtime.visitor_group(identity_id)
        if group not in self.joined:
            await self._join(group)

    def _shown_add(self, message_id: int) -> None:
        if len(self.shown) > 500:
            self.shown.clear()
        self.shown.add(message_id)

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.joined.add(group)

    async def _error(self, code: str, detail: str, *, client_id=None, retry_after: int = 0) -> None:
        frame = {"type": "error", "code": code, "detail": detail}
        if client_id is not None:
            frame["client_id"] = client_id
        if retry_after:
            frame["retry_after"] = retry_after
        await self.send_json(frame)


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return value.decode("latin-1")
    return None
