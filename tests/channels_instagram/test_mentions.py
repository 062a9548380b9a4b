"""Instagram `mentions` webhooks: the mentioning comment or caption looked up on the account
through the Graph API (the fake one, which records each request), stored as a public
conversation of kind `mention` about the post it is on."""

import json

import pytest
from django.urls import reverse

from inbox.models import Conversation, Message
from tests.channels_instagram import fakes
from tests.channels_instagram.fakes import ACCOUNT_ID, Answer, deliver, graph, ig_inbox  # noqa: F401
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MEDIA = {
    "id": "18000000000000007",
    "caption": "Zomerlook",
    "media_type": "IMAGE",
    "media_url": "https://scontent.cdninstagram.com/v/zomer.jpg",
    "permalink": "https://www.instagram.com/p/Zomer/",
}


def _lookups(fake):
    return [r for r in fake.requests if r.method == "GET" and r.path == f"/{ACCOUNT_ID}"]


def test_a_mention_in_a_comment_becomes_a_public_mention_thread_with_its_post(deliver, graph, client):  # noqa: F811
    graph.script(
        "GET",
        f"/{ACCOUNT_ID}",
        Answer(
            json={
                "id": ACCOUNT_ID,
                "mentioned_comment": {
                    "id": "17900000000000007",
                    "text": "@modehuis hebben jullie deze ook in maat 40?",
                    "timestamp": "2026-12-02T09:30:00+0000",
                    "username": "lotte.b",
                    "media": MEDIA,
                },
            }
        ),
    )
    deliver("mention")
    [lookup] = _lookups(graph)
    assert lookup.query["fields"].startswith("mentioned_comment.comment_id(17900000000000007){")
    message = Message.objects.get(external_id="17900000000000007")
    assert (message.kind, message.text) == ("mention", "@modehuis hebben jullie deze ook in maat 40?")
    conversation = message.conversation
    assert conversation.public and conversation.thread_key == MEDIA["id"]
    assert conversation.source["caption"] == "Zomerlook" and conversation.source["permalink"] == MEDIA["permalink"]
    assert conversation.contact.name == "@lotte.b"
    client.force_login(make_user(inboxes=[conversation.inbox]))
    pane = client.get(reverse("conversation-pane", args=[conversation.pk])).content.decode()
    assert 'data-testid="post-card"' in pane and "Zomerlook" in pane
    deliver("mention")  # redelivered: known, not looked up again
    assert len(_lookups(graph)) == 1 and Message.objects.count() == 1


def test_a_mention_in_a_caption_is_looked_up_as_mentioned_media(deliver, graph, monkeypatch):  # noqa: F811
    original = fakes.fixture_bytes

    def caption_only(name, **kwargs):
        body = json.loads(original(name, **kwargs))
        del body["entry"][0]["changes"][0]["value"]["comment_id"]
        return json.dumps(body).encode()

    monkeypatch.setattr(fakes, "fixture_bytes", caption_only)
    answer = {
        **MEDIA,
        "caption": "Nieuwe jas van @modehuis!",
        "username": "sanne.dv",
        "timestamp": "2026-12-02T09:30:00+0000",
    }
    graph.script("GET", f"/{ACCOUNT_ID}", Answer(json={"id": ACCOUNT_ID, "mentioned_media": answer}))
    deliver("mention")
    [lookup] = _lookups(graph)
    assert lookup.query["fields"].startswith("mentioned_media.media_id(18000000000000007){")
    message = Message.objects.get()
    assert (message.kind, message.text, message.external_id) == ("mention", "Nieuwe jas van @modehuis!", MEDIA["id"])
    assert message.conversation.public and message.conversation.contact.name == "@sanne.dv"


def test_a_failed_look_up_makes_no_conversation_and_keeps_the_event(deliver, graph):  # noqa: F811
    from inbox.models import WebhookEvent

    graph.script("GET", f"/{ACCOUNT_ID}", Answer(status=400, json={"error": {"message": "no", "code": 100}}))
    deliver("mention")
    assert not Conversation.objects.exists()
    assert WebhookEvent.objects.count() == 1


def _mentioned_comment(author: dict) -> Answer:
    """The mentioning comment as `mentioned_comment` gives it, written an hour ago."""
    from datetime import timedelta

    from django.utils import timezone

    comment = {
        "id": "17900000000000007",
        "text": "@modehuis hebben jullie deze ook in maat 40?",
        "timestamp": (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "username": "sanne.dv",
        "media": MEDIA,
        **author,
    }
    return Answer(json={"id": ACCOUNT_ID, "mentioned_comment": comment})


def test_a_mentions_author_given_by_id_is_the_same_person_in_comments_and_direct(deliver, graph):  # noqa: F811
    from crm.models import Contact

    graph.script("GET", f"/{ACCOUNT_ID}", _mentioned_comment({"from": {"id": fakes.IGSID, "username": "sanne.dv"}}))
    deliver("mention")
    [lookup] = _lookups(graph)
    assert "from{id,username}" in lookup.query["fields"]  # the commenter's Instagram-scoped id
    mention = Message.objects.get(external_id="17900000000000007")
    assert mention.conversation.identity.external_id == fakes.IGSID
    deliver("comment")  # her comment under another post: `comments` gives the same id
    deliver("text")  # and her Direct message
    comment = Message.objects.get(external_id="17900000000000001")
    direct = Message.objects.get(external_id="aWdfZAG1faXRlbToxOklH01")
    assert comment.conversation.contact == mention.conversation.contact == direct.conversation.contact
    assert Contact.objects.count() == 1


def test_a_private_reply_to_a_mention_known_by_username_finds_the_person_in_direct(
    deliver,  # noqa: F811
    graph,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from inbox.public import private_reply_send

    graph.script("GET", f"/{ACCOUNT_ID}", _mentioned_comment({}))  # no `from`: known by username only
    deliver("mention")
    public = Conversation.objects.get()
    assert public.identity.external_id == "@sanne.dv"
    with django_capture_on_commit_callbacks(execute=True):
        reply = private_reply_send(conversation=public, author=make_user(inboxes=[public.inbox]), text="Zie DM")
    # The Send API answers with the IGSID it reached: the person's Direct identity.
    direct = Conversation.objects.get(pk=reply.conversation_id)
    assert direct.identity.external_id == fakes.IGSID and direct.contact == public.contact
    deliver("text")  # her answer in Direct continues that conversation
    assert Message.objects.get(external_id="aWdfZAG1faXRlbToxOklH01").conversation == direct
