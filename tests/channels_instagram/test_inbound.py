"""Instagram Direct events end to end: signed fixture -> the inbox's webhook URL -> parser ->
inbox.ingest -> what an agent sees (rows and the rendered timeline)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from crm.models import ContactIdentity
from inbox.models import Conversation, Message, WebhookEvent
from tests.channels_instagram.fakes import (
    ACCOUNT_ID,
    IGSID,
    INSTAGRAM_APP_SECRET,
    INSTAGRAM_TOKEN,
    Answer,
    fixture_bytes,
    post_webhook,
)
from tests.factories import make_inbox, make_user

pytestmark = pytest.mark.django_db

SENT_AT = datetime.fromtimestamp(1764763200, tz=UTC)


def _our_reply(inbox) -> Message:
    """A reply of ours the Send API accepted as `m_SENT_1` (the id the echo and seen fixtures name)."""
    return Message.objects.create(
        conversation=Conversation.objects.get(),
        inbox=inbox,
        direction="out",
        sender_type="agent",
        text="Ja, in maat M en L.",
        external_id="m_SENT_1",
        sent_at=SENT_AT,
        status="sent",
    )


def _timeline(client, conversation) -> str:
    agent = make_user(inboxes=[conversation.inbox])
    client.force_login(agent)
    response = client.get(reverse("conversation-messages", args=[conversation.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.smoke
def test_a_text_message_makes_a_contact_with_the_profile_name_and_username(deliver, ig_inbox, graph):
    deliver("text")
    message = Message.objects.select_related("conversation__contact", "conversation__identity").get()
    assert message.kind == "text" and message.direction == "in"
    assert message.text == "Hoi! Is de jas nog op voorraad? 😊"
    assert message.sent_at == SENT_AT
    identity = message.conversation.identity
    assert identity.channel == "instagram" and identity.external_id == IGSID
    assert message.conversation.inbox == ig_inbox
    # the profile API (name, username) was asked on the Page's host with the Page token
    lookup = [r for r in graph.requests if r.method == "GET"][0]
    assert lookup.path == f"/{IGSID}" and lookup.query["fields"] == "name,username" and lookup.host == "facebook"
    identity.refresh_from_db()
    assert identity.display_name == "Sanne de Vries" and identity.attributes["username"] == "sanne.dv"
    assert message.conversation.contact.name == "Sanne de Vries"


def test_without_a_profile_the_contact_keeps_a_placeholder_name(deliver, graph):
    graph.profile(IGSID, Answer(status=400, json={"error": {"code": 230, "message": "User consent is required"}}))
    deliver("text")
    identity = ContactIdentity.objects.get()
    assert identity.display_name == "Instagram user …3456"
    assert identity.attributes["profile_error"]


def test_a_username_alone_names_the_contact(deliver, graph):
    graph.profile(IGSID, Answer(json={"username": "sanne.dv", "id": IGSID}))
    deliver("text")
    assert ContactIdentity.objects.get().display_name == "@sanne.dv"


def test_a_redelivered_message_is_stored_once(deliver):
    deliver("text")
    deliver("text")
    assert Message.objects.count() == 1 and Conversation.objects.count() == 1
    assert WebhookEvent.objects.filter(status="processed").count() == 2


@pytest.mark.parametrize(
    ("fixture", "kind", "path"),
    [
        ("image", "image", "ig_messaging_cdn/photo1.jpg"),
        ("video", "video", "ig_messaging_cdn/clip1.mp4"),
        ("audio", "audio", "ig_messaging_cdn/voice1.mp4"),
        ("file", "document", "ig_messaging_cdn/bon.pdf"),
    ],
)
def test_images_video_audio_and_files_are_downloaded_from_the_cdn_without_a_token(deliver, graph, fixture, kind, path):
    graph.cdn(path, b"bytes of " + kind.encode())
    deliver(fixture)
    message = Message.objects.get()
    attachment = message.attachments.get()
    assert message.kind == kind and attachment.kind == kind
    assert attachment.status == "stored" and attachment.file.read() == b"bytes of " + kind.encode()
    assert all("authorization" not in r.headers for r in graph.downloads)


def test_a_story_mention_keeps_only_a_link_to_the_story(deliver, graph, client):
    deliver("story_mention", keep_urls=True)
    message = Message.objects.get()
    assert message.text == "Mentioned you in their story"
    assert message.content["story_mention"]["url"] == "https://lookaside.fbsbx.com/ig_messaging_cdn/story1.jpg"
    # Meta's policy: story media is not stored, so nothing is downloaded
    assert not message.attachments.exists() and graph.downloads == []
    html = _timeline(client, message.conversation)
    assert 'data-testid="story-mention"' in html and "story1.jpg" in html


def test_a_reply_to_our_story_shows_the_text_and_the_story(deliver, client):
    deliver("story_reply", keep_urls=True)
    message = Message.objects.get()
    assert message.text == "Waar kan ik die kopen?"
    assert message.content["story_reply"] == {
        "id": "17999999999999999",
        "url": message.content["story_reply"]["url"],
    }
    assert "story2.mp4" in message.content["story_reply"]["url"]
    assert "Replied to your story" in _timeline(client, message.conversation)


@pytest.mark.parametrize(
    ("fixture", "title"), [("share_post", "Nieuwe wintercollectie"), ("share_reel", "Zo draag je de jas")]
)
def test_a_shared_post_or_reel_is_a_link_not_a_download(deliver, graph, fixture, title):
    deliver(fixture)
    message = Message.objects.get()
    assert message.kind == "text" and message.text == title and message.content["shared"] is True
    assert message.content["links"][0]["type"] in ("ig_post", "ig_reel")
    assert not message.attachments.exists()


def test_a_reaction_and_its_removal_change_the_message_reacted_to(deliver):
    deliver("text")
    deliver("reaction")
    message = Message.objects.get()
    assert message.reactions["contact"]["emoji"] == "❤️"
    deliver("unreaction")
    message.refresh_from_db()
    assert message.reactions["contact"]["emoji"] == ""
    assert Message.objects.count() == 1


def test_a_quick_reply_and_a_postback_are_interactive_replies(deliver):
    deliver("quick_reply")
    deliver("postback")
    quick, postback = Message.objects.order_by("id")
    assert (quick.kind, quick.content["payload"]) == ("interactive", "yes")
    assert (postback.kind, postback.text, postback.content["payload"]) == ("interactive", "Openingstijden", "HOURS")


def test_a_message_from_an_ad_makes_the_ad_the_conversations_source(deliver):
    deliver("ad_referral")
    conversation = Conversation.objects.get()
    assert conversation.source["channel"] == "instagram"
    assert conversation.source["kind"] == "ad_referral"
    assert conversation.source["headline"] == "Wintersale -30%"
    assert conversation.source["source_id"] == "23850000000000001"


def test_an_unsupported_message_is_kept_raw(deliver):
    deliver("unsupported")
    message = Message.objects.get()
    assert message.kind == "unsupported" and message.content["raw"]["is_unsupported"] is True


def test_an_unsent_message_is_marked_and_hidden_from_agents_but_kept(deliver, client):
    deliver("text")
    deliver("unsent")
    message = Message.objects.get()
    assert message.content["unsent_at"]
    assert message.text == "Hoi! Is de jas nog op voorraad? 😊"  # kept, never removed
    html = _timeline(client, message.conversation)
    assert "The customer unsent this message." in html
    assert "Is de jas nog op voorraad" not in html


def test_an_edit_shows_the_new_text_and_keeps_the_earlier_one(deliver, client):
    deliver("text")
    deliver("edit")
    deliver("edit")  # a redelivery changes nothing
    message = Message.objects.get()
    assert message.text == "Hoi! Is de rode jas nog op voorraad?"
    assert [e["text"] for e in message.content["edits"]] == ["Hoi! Is de jas nog op voorraad? 😊"]
    html = _timeline(client, message.conversation)
    assert 'data-testid="message-edits"' in html and "Hoi! Is de jas nog op voorraad? 😊" in html


def test_an_echo_from_the_instagram_app_is_stored_as_sent_outside_webcare(deliver, client):
    deliver("text")
    deliver("echo_app")
    echo = Message.objects.get(external_id="aWdfECHOAPP01")
    assert echo.direction == "out" and echo.author is None and echo.content["sent_outside_webcare"] is True
    assert "Sent outside Webcare" in _timeline(client, echo.conversation)


def test_an_echo_of_our_own_reply_is_recognised_by_its_message_id(deliver, ig_inbox):
    deliver("text")
    ours = _our_reply(ig_inbox)
    deliver("echo_own")
    assert Message.objects.filter(direction="out").get() == ours


def test_messaging_seen_marks_our_message_read(deliver, ig_inbox):
    deliver("text")
    ours = _our_reply(ig_inbox)
    deliver("seen")
    ours.refresh_from_db()
    assert ours.status == "read"


def test_an_instagram_login_account_is_signed_with_the_instagram_apps_secret_and_asks_its_own_host(
    client, graph, django_capture_on_commit_callbacks
):
    inbox = make_inbox(
        "instagram",
        external_id=ACCOUNT_ID,
        credentials={"access_token": INSTAGRAM_TOKEN, "app_secret": INSTAGRAM_APP_SECRET, "verify_token": "v"},
        config={"login": "instagram"},
    )
    body = fixture_bytes("text")
    assert post_webhook(client, inbox, body).status_code == 403  # signed with another app's secret
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, inbox, body, secret=INSTAGRAM_APP_SECRET).status_code == 200
    assert Message.objects.get().conversation.inbox == inbox
    lookup = [r for r in graph.requests if r.method == "GET"][0]
    assert lookup.host == "instagram" and lookup.headers["authorization"] == f"Bearer {INSTAGRAM_TOKEN}"
