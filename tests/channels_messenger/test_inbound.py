"""Messenger events end to end: signed fixture -> webhook -> parser -> inbox.ingest -> rows."""

from datetime import UTC, datetime

import pytest

from crm.models import ContactIdentity
from inbox.models import Attachment, Conversation, Message, UnroutedWebhookEntry, WebhookEvent
from tests.channels_messenger.fakes import PSID, PSID2, Answer, fixture_bytes, post_webhook

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"fake jpeg " * 50


@pytest.mark.smoke
def test_a_text_message_creates_contact_identity_conversation_and_message(deliver, page_inbox):
    deliver("text")
    message = Message.objects.select_related("conversation__contact", "conversation__identity").get()
    assert message.direction == "in" and message.sender_type == "contact" and message.kind == "text"
    assert message.text == "Hoi! Is mijn bestelling 5531 al verzonden?"
    assert message.external_id == "m_text_1"
    # timestamps are milliseconds
    assert message.sent_at == datetime.fromtimestamp(1795000000, tz=UTC)
    conversation = message.conversation
    assert conversation.inbox == page_inbox and conversation.identity.external_id == PSID
    assert conversation.last_customer_message_at == message.sent_at


@pytest.mark.smoke
def test_a_redelivered_event_creates_nothing_twice(deliver):
    deliver("text")
    deliver("text")
    assert Message.objects.count() == 1 and Conversation.objects.count() == 1
    assert WebhookEvent.objects.filter(status="processed").count() == 2


def test_a_batch_of_entries_and_events_is_read_in_full_and_other_pages_are_kept_apart(deliver):
    deliver("batch")
    assert sorted(Message.objects.values_list("external_id", flat=True)) == ["m_batch_1", "m_batch_2", "m_batch_3"]
    assert Conversation.objects.count() == 2
    assert not ContactIdentity.objects.filter(external_id="5555555555555555").exists()
    # the other Page's entry is kept for the inbox health view (no inbox has that Page)
    assert UnroutedWebhookEntry.objects.filter(channel="messenger").count() == 1


def test_several_photos_in_one_message_are_one_message_with_each_photo_downloaded(deliver, graph):
    graph.cdn("v/t1.15752-9/photo1.jpg", JPEG)
    graph.cdn("v/t1.15752-9/photo2.jpg", JPEG + b"2")
    deliver("attachments_several")
    message = Message.objects.get()
    assert message.kind == "image"
    attachments = list(message.attachments.order_by("id"))
    assert [a.status for a in attachments] == ["stored", "stored"]
    assert attachments[1].size == len(JPEG) + 1
    # the CDN link is a signed URL: the Page token never goes there
    assert len(graph.downloads) == 2
    assert all("authorization" not in r.headers for r in graph.downloads)


@pytest.mark.parametrize(
    ("fixture", "kind", "path"),
    [
        ("file", "document", "v/t59.2708-21/factuur-2026-001.pdf"),
        ("audio", "audio", "v/t1.15752-9/voice.mp4"),
        ("video", "video", "v/t1.15752-9/clip.mp4"),
    ],
)
def test_files_audio_and_video_are_stored_with_their_kind(deliver, graph, fixture, kind, path):
    graph.cdn(path, b"bytes of " + kind.encode())
    deliver(fixture)
    attachment = Attachment.objects.get()
    assert attachment.message.kind == kind and attachment.kind == kind
    assert attachment.status == "stored", attachment.error
    if kind == "document":
        assert attachment.file.name.endswith("factuur-2026-001.pdf")


def test_the_like_button_is_one_sticker_not_a_sticker_and_an_image(deliver, graph):
    graph.cdn("v/t1.15752-9/like.png", b"\x89PNG like")
    deliver("sticker_like")
    message = Message.objects.get()
    assert message.kind == "sticker" and message.content["like"] is True
    assert message.content["sticker_id"] == "369239263222822"
    assert list(message.attachments.values_list("kind", flat=True)) == ["sticker"]


def test_a_shared_link_is_shown_with_its_title_and_address(deliver):
    deliver("fallback_share")
    message = Message.objects.get()
    assert message.kind == "text" and message.text == "Winterjas - maat M"
    assert message.content["links"] == [
        {"type": "fallback", "url": "https://www.example.nl/jassen/winterjas-m", "title": "Winterjas - maat M"}
    ]
    assert message.attachments.count() == 0


def test_a_reel_share_and_a_location_are_kept_readable(deliver):
    deliver("template_share")
    deliver("location")
    reel = Message.objects.get(external_id="m_reel")
    assert reel.text == "Zo draag je de jas" and reel.content["links"][0]["type"] == "ig_reel"
    place = Message.objects.get(external_id="m_location")
    assert place.kind == "location" and place.content["latitude"] == 52.3765 and place.text == "Damrak 1"


def test_a_quick_reply_keeps_its_payload(deliver):
    deliver("quick_reply")
    message = Message.objects.get()
    assert message.kind == "interactive" and message.text == "Retourneren"
    assert message.content["type"] == "quick_reply" and message.content["payload"] == "RETURN_FLOW"


def test_a_reply_links_to_the_message_it_replies_to(deliver):
    deliver("text")
    deliver("reply_to")
    reply = Message.objects.get(external_id="m_reply")
    assert reply.reply_to == Message.objects.get(external_id="m_text_1")


def test_a_postback_is_shown_with_its_title_and_keeps_the_payload(deliver, client, page_inbox):
    deliver("postback")
    message = Message.objects.get()
    assert message.kind == "interactive" and message.sender_type == "contact"
    assert message.text == "Bestelling volgen"
    assert message.content == {"type": "postback", "title": "Bestelling volgen", "payload": "TRACK_ORDER"}
    assert message.conversation.last_customer_message_at == message.sent_at


def test_a_get_started_postback_without_mid_is_stored_once_and_its_referral_is_the_source(deliver):
    deliver("postback_get_started")
    deliver("postback_get_started")
    message = Message.objects.get()
    assert message.external_id == f"postback:{PSID}:1795000000000"
    source = message.conversation.source
    assert source["ref"] == "winter-sale" and source["source_type"] == "SHORTLINK" and source["lead"] is True


def test_a_reaction_sets_and_an_unreact_removes_it_on_the_target(deliver):
    deliver("text")
    deliver("reaction")
    target = Message.objects.get(external_id="m_text_1")
    assert target.reactions["contact"]["emoji"] == "❤️"
    deliver("unreaction")
    target.refresh_from_db()
    assert target.reactions["contact"]["emoji"] == ""
    # a late redelivery of the older reaction does not bring it back
    deliver("reaction")
    target.refresh_from_db()
    assert target.reactions["contact"]["emoji"] == ""
    assert Message.objects.count() == 1


def test_an_m_me_referral_starts_the_conversation_with_its_source_as_a_lead(deliver):
    deliver("referral_shortlink")
    message = Message.objects.get()
    assert message.kind == "system" and message.sender_type == "system"
    assert "winter-sale" in message.text
    conversation = message.conversation
    assert conversation.source == {
        "channel": "messenger",
        "kind": "referral",
        "lead": True,
        "source_type": "SHORTLINK",
        "ref": "winter-sale",
    }


def test_a_message_from_an_ad_carries_the_ad_as_the_conversation_source(deliver, client, page_inbox):
    deliver("message_ad_referral")
    conversation = Conversation.objects.get()
    assert conversation.source["kind"] == "ad_referral" and conversation.source["headline"] == "Winterjassen -30%"
    assert conversation.source["source_id"] == "23851234567890123"
    from inbox.selectors import conversation_source

    assert conversation_source(conversation)["ad"] is True


def test_an_opt_in_is_a_system_line_and_one_without_psid_is_ignored(deliver):
    deliver("optin")
    deliver("optin_user_ref")
    message = Message.objects.get()
    assert message.kind == "system" and "notification messages" in message.text and "PRICE_ALERTS" in message.text


def test_standby_events_are_stored_too_and_marked(deliver):
    deliver("standby")
    inbound = Message.objects.get(external_id="m_standby_1")
    assert inbound.direction == "in" and inbound.content["standby"] is True
    echo = Message.objects.get(external_id="m_standby_echo")
    assert echo.direction == "out" and echo.content["sent_outside_webcare"] is True


def test_the_contact_is_named_from_the_user_profile_api(deliver, graph):
    graph.profile(PSID, Answer(json={"first_name": "Sanne", "last_name": "de Vries", "id": PSID}))
    deliver("text")
    identity = ContactIdentity.objects.select_related("contact").get(external_id=PSID)
    assert identity.display_name == "Sanne de Vries" and identity.contact.name == "Sanne de Vries"
    lookup = next(r for r in graph.requests if r.path == f"/{PSID}")
    assert lookup.query["fields"] == "first_name,last_name"
    assert lookup.headers["authorization"] == "Bearer EAAM-page-token"
    # fetched once: the next message asks nothing
    deliver("reply_to")
    assert len([r for r in graph.requests if r.path == f"/{PSID}"]) == 1


def test_without_profile_access_the_contact_is_messenger_user_and_the_last_digits(deliver, graph):
    deliver("batch")
    identity = ContactIdentity.objects.select_related("contact").get(external_id=PSID2)
    assert identity.contact.name == "Messenger user …9876"
    assert identity.attributes["profile_error"]
    assert Message.objects.count() == 3  # nothing failed


def test_a_profile_name_never_replaces_a_name_an_agent_typed(deliver, graph):
    deliver("text")
    identity = ContactIdentity.objects.select_related("contact").get(external_id=PSID)
    identity.contact.name = "Mevrouw S. de Vries"
    identity.contact.save()
    ContactIdentity.objects.filter(pk=identity.pk).update(attributes={})
    graph.profile(PSID, Answer(json={"first_name": "Sanne", "last_name": "de Vries"}))
    from channels_messenger.profiles import profile_refresh

    assert profile_refresh(identity_id=identity.pk, inbox_id=identity.conversations.get().inbox_id) == "updated"
    identity.refresh_from_db()
    assert identity.display_name == "Sanne de Vries" and identity.contact.name == "Mevrouw S. de Vries"


def test_an_expired_cdn_link_fails_the_download_with_a_reason_and_nothing_else(deliver, graph):
    deliver("video")  # nothing served at that path: the CDN answers 404
    attachment = Attachment.objects.get()
    assert attachment.status == "failed" and "no longer available" in attachment.error
    assert Message.objects.get().kind == "video"


def test_a_temporary_cdn_failure_is_retried_by_the_sweeper(deliver, graph):
    from channels_messenger.tasks import media_download_sweep_task

    graph.script("GET", "/files/v/t1.15752-9/clip.mp4", Answer(status=503, body=b"busy"))
    deliver("video")
    attachment = Attachment.objects.get()
    assert attachment.status == "pending" and attachment.attempts == 1

    graph.scripted.clear()
    graph.cdn("v/t1.15752-9/clip.mp4", b"mp4 bytes")
    Attachment.objects.filter(pk=attachment.pk).update(created_at=attachment.created_at.replace(year=2020))
    assert media_download_sweep_task() == 1
    attachment.refresh_from_db()
    assert attachment.status == "stored" and attachment.attempts == 2


def test_a_batch_from_returning_customers_is_stored_together_in_order(deliver, client, page_inbox):
    # given: both senders of the batch wrote before
    deliver("batch")

    # when: they write again in one batched webhook (the set-based path for known customers)
    again = fixture_bytes("batch").replace(b"m_batch_", b"m_again_")
    assert post_webhook(client, page_inbox, again).status_code == 200

    # then: every message once, in the two conversations they already had, in order
    assert Conversation.objects.count() == 2
    repeated = Message.objects.filter(external_id__startswith="m_again_").order_by("pk")
    assert list(repeated.values_list("external_id", flat=True)) == ["m_again_1", "m_again_2", "m_again_3"]
    first = Conversation.objects.get(messages__external_id="m_again_1")
    assert first.messages.count() == 4 and first.unread_count == 4
