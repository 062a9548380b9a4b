"""The agents' websocket: `/ws/inbox/`.

On connect the agent joins their own group and the group of every inbox they may see; a
browser that opens a conversation asks to join its group, and every join is permission-checked.
Events are forwarded as JSON hints; the browser fetches what changed over HTTP.

Presence (collision detection): a browser with a conversation open says so (`presence` with
state `viewing`, `typing` or `left`); the consumer relays it to that conversation's group with
the agent's name, only for conversations it has joined (so only agents who may see it learn
who is there). Nothing is stored: presence is a heartbeat, and a closed socket says `left`.

An open socket is also what keeps an agent from becoming Away (`inbox.availability`): connect,
each `ping` (the browser sends one a minute) and disconnect write the agent's last-seen time.
"""

import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from kernel import realtime
from kernel.json_text import json_loads

from . import access, availability

PRESENCE_STATES = ("viewing", "typing", "left")
MAX_FRAME_CHARS = 4_000  # the browser's frames are a few dozen characters
CONVERSATION_GROUP_PREFIX = realtime.conversation_group(0).removesuffix("0")
# A busy browser may ping more often; the last-seen time needs no finer grain than this.
SEEN_WRITE_SECONDS = 30


class AgentConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.user = user
        self.joined: set[str] = set()
        inbox_ids = await database_sync_to_async(
            lambda: list(access.visible_inboxes(user).values_list("id", flat=True))
        )()
        await self._join(realtime.agent_group(user.pk))
        for inbox_id in inbox_ids:
            await self._join(realtime.inbox_group(inbox_id))
        await self.accept()
        await self._seen(returning=True)
        await self.send_json({"event": "hello", "inboxes": inbox_ids})

    async def disconnect(self, code):
        if getattr(self, "user", None) is not None:
            await self._seen()
        for group in list(getattr(self, "joined", ())):
            if group.startswith(CONVERSATION_GROUP_PREFIX):
                await self._presence(group, "left")
            await self.channel_layer.group_discard(group, self.channel_name)

    @classmethod
    async def decode_json(cls, text_data):
        return json_loads(text_data)  # deep nesting is a ValueError, not a RecursionError

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Whatever a browser (or anyone holding the session) sends, the socket stays up: a
        # frame that is not a JSON object is answered with an error, never a crash.
        if text_data is None or len(text_data) > MAX_FRAME_CHARS:
            await self.send_json({"event": "error", "error": "bad_frame"})
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self.send_json({"event": "error", "error": "bad_frame"})
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        action = content.get("action")
        if action == "subscribe_conversation":
            conversation_id = _as_int(content.get("conversation_id"))
            allowed = await database_sync_to_async(access.may_see_conversation)(self.user, conversation_id)
            if not allowed:
                await self.send_json(
                    {"event": "error", "error": "not_found", "conversation_id": content.get("conversation_id")}
                )
                return
            await self._join(realtime.conversation_group(conversation_id))
            await self.send_json({"event": "subscribed", "conversation_id": conversation_id})
        elif action == "unsubscribe_conversation":
            conversation_id = _as_int(content.get("conversation_id"))
            group = realtime.conversation_group(conversation_id)
            if group in self.joined:
                await self._presence(group, "left")
                await self.channel_layer.group_discard(group, self.channel_name)
                self.joined.discard(group)
            await self.send_json({"event": "unsubscribed", "conversation_id": conversation_id})
        elif action == "presence":
            group = realtime.conversation_group(_as_int(content.get("conversation_id")))
            state = content.get("state")
            if group in self.joined and state in PRESENCE_STATES:
                await self._presence(group, state, ask=bool(content.get("ask")))
        elif action == "ping":
            if time.monotonic() - self.seen_written >= SEEN_WRITE_SECONDS:
                await self._seen()
            await self.send_json({"event": "pong"})

    async def realtime_event(self, message):
        await self.send_json({key: value for key, value in message.items() if key != "type"})

    async def _seen(self, *, returning: bool = False) -> None:
        self.seen_written = time.monotonic()
        await database_sync_to_async(availability.agent_seen)(user_id=self.user.pk, returning=returning)

    async def _presence(self, group: str, state: str, *, ask: bool = False) -> None:
        await self.channel_layer.group_send(
            group,
            {
                "type": realtime.EVENT_HANDLER_TYPE,
                "event": "presence",
                "conversation_id": _as_int(group.removeprefix(CONVERSATION_GROUP_PREFIX)),
                "user_id": self.user.pk,
                "name": self.user.get_full_name() or self.user.get_username(),
                "state": state,
                # A newcomer asks the others to announce themselves once.
                "ask": ask,
            },
        )

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.joined.add(group)


def _as_int(value) -> int:
    """A row id from a frame, or 0 (no row has it): never a value the database cannot hold."""
    return access.row_id(value) or 0
