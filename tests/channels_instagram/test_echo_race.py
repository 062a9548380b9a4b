"""Instagram's Send API takes no `metadata`, so an echo of our reply that Meta delivers before
the send call's answer is stored carries nothing of ours but the recipient and the content. The
fake Graph API plays that race for real: on the send it first posts the echo webhook to the
inbox's URL (in its own thread and database connection, committed like a real delivery) and
only then answers with the message id."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from inbox.models import Conversation, Message
from inbox.replies import reply_send
from tests.channels_instagram.fakes import (
    ACCOUNT_ID,
    IGSID,
    PAGE_MESSAGES,
    InstagramGraph,
    fixture_bytes,
    instagram_default,
    post_webhook,
)
from tests.factories import make_user
from tests.meta_graph import Answer, serve

pytestmark = pytest.mark.django_db(transaction=True)

RACE_MID = "aWdfZAG1faXRlbToxOklHRACE"


class EchoFirstGraph(InstagramGraph):
    """Answers a Send API message only after its echo webhook has been processed."""

    inbox = None
    seen_before_answer: list = []

    def echo_deliver(self, text: str) -> None:
        now = int(timezone.now().timestamp() * 1000)
        body = {
            "object": "instagram",
            "entry": [
                {
                    "id": ACCOUNT_ID,
                    "time": now,
                    "messaging": [
                        {
                            "sender": {"id": ACCOUNT_ID},
                            "recipient": {"id": IGSID},
                            "timestamp": now,
                            "message": {"mid": RACE_MID, "is_echo": True, "text": text},
                        }
                    ],
                }
            ],
        }
        try:
            response = post_webhook(Client(), self.inbox, json.dumps(body).encode())
            assert response.status_code == 200
            # What the inbox holds under the echo's id before the send call answers.
            self.seen_before_answer = list(
                Message.objects.filter(external_id=RACE_MID).values("pk", "content", "status")
            )
        finally:
            connection.close()  # the server thread's own connection


def echo_first(fake: EchoFirstGraph, method: str, path: str, recorded) -> Answer | None:
    if method == "POST" and path == PAGE_MESSAGES and "message" in recorded.json:
        fake.echo_deliver(recorded.json["message"]["text"])  # stored before the answer leaves
        return Answer(json={"recipient_id": IGSID, "message_id": RACE_MID})
    return instagram_default(fake, method, path, recorded)


@pytest.fixture
def race_graph(settings):
    yield from serve(EchoFirstGraph(echo_first), settings)


def test_an_echo_that_outruns_the_send_answer_is_our_reply_not_one_sent_outside_webcare(race_graph, ig_inbox):
    race_graph.inbox = ig_inbox
    recent = str(int((timezone.now() - timedelta(minutes=1)).timestamp() * 1000)).encode()
    inbound = fixture_bytes("text").replace(b"1764763200000", recent)
    assert post_webhook(Client(), ig_inbox, inbound).status_code == 200
    conversation = Conversation.objects.get()

    reply = reply_send(conversation=conversation, author=make_user(inboxes=[ig_inbox]), text="Ja, in maat M en L.")

    # The echo was processed first, and was recognised as this reply.
    assert [row["pk"] for row in race_graph.seen_before_answer] == [reply.pk]
    assert "sent_outside_webcare" not in race_graph.seen_before_answer[0]["content"]
    reply.refresh_from_db()
    assert (reply.status, reply.external_id) == ("sent", RACE_MID)
    outbound = Message.objects.filter(direction="out")
    assert list(outbound.values_list("pk", flat=True)) == [reply.pk]  # one bubble, not two
    # A redelivery of the echo changes nothing.
    race_graph.echo_deliver("Ja, in maat M en L.")
    assert Message.objects.filter(direction="out").count() == 1


def test_the_echo_of_a_private_reply_that_outruns_its_answer_is_the_reply_and_the_person_is_linked(
    race_graph, ig_inbox
):
    from crm.models import Contact
    from inbox.public import private_reply_send
    from tests.channels_instagram.test_mentions import _mentioned_comment

    race_graph.inbox = ig_inbox
    race_graph.script("GET", f"/{ACCOUNT_ID}", _mentioned_comment({}))  # known by username only
    assert post_webhook(Client(), ig_inbox, fixture_bytes("mention")).status_code == 200
    public = Conversation.objects.get()
    assert public.identity.external_id == "@sanne.dv"

    reply = private_reply_send(conversation=public, author=make_user(inboxes=[ig_inbox]), text="Zie uw DM")

    # The echo (to the IGSID, which nobody here had yet) came first and was recognised as the reply.
    assert [row["pk"] for row in race_graph.seen_before_answer] == [reply.pk]
    assert list(Message.objects.filter(direction="out").values_list("pk", flat=True)) == [reply.pk]
    reply.refresh_from_db()
    assert (reply.status, reply.external_id) == ("sent", RACE_MID)
    direct = reply.conversation
    assert direct.identity.external_id == IGSID and direct.contact == public.contact
    assert Contact.objects.count() == 1
