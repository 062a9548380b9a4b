"""A visitor who steers the email copy of an agent's reply: the page the "continue the chat"
link points at is the visitor's word, so it must be one of the inbox's own websites."""

import asyncio
import re
import time

import pytest

from inbox.models import Message
from inbox.replies import reply_send
from livechat import presence
from tests.factories import make_user
from tests.livechat.conftest import say, visitor_session

from .test_livechat_by_email import livechat  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _visitor_on(inbox, page):
    async def scenario():
        ws, _session = await visitor_session(inbox, page=page)
        ack = await say(ws, "c-1", "Call me back", profile={"email": "victim@example.net"})
        assert ack["type"] == "ack", ack
        await ws.disconnect()

    asyncio.run(scenario())
    return Message.objects.get().conversation


@pytest.mark.parametrize(
    ("page", "link_starts"),
    [
        ("https://evil.example/login", "https://shop.example/#webcare_resume="),
        ("https://shop.example.evil.example/x", "https://shop.example/#webcare_resume="),
        ("https://shop.example@evil.example/", "https://shop.example/#webcare_resume="),
        ("https://shop.example/\nAlso see https://evil.example/", "https://shop.example/#webcare_resume="),
        ("https://shop.example/cart?item=7", "https://shop.example/cart?item=7#webcare_resume="),
    ],
)
def test_the_emailed_link_points_only_at_the_inboxs_own_websites(livechat, smtp_server, page, link_starts):  # noqa: F811
    conversation = _visitor_on(livechat, page)
    presence.presence_touch(livechat.pk, conversation.identity.external_id, at=time.time() - 11 * 60)

    reply_send(conversation=conversation, author=make_user("anna", inboxes=[livechat]), text="We will call")

    [received] = smtp_server.received
    text = received["message"].get_body(preferencelist=("plain",)).get_content()
    [link] = re.findall(r"https?://\S+#webcare_resume=\S+", text)
    assert link.startswith(link_starts)
