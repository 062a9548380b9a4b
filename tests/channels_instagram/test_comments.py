"""Public comments as public conversations: Facebook Page `feed` changes (on the Page's
Messenger inbox) and Instagram `comments` / `live_comments`, through the real webhook URLs,
answered in public and in private against the fake Graph API."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from inbox.models import Conversation, Message
from inbox.public import PrivateReplyRefused, private_reply_send
from inbox.replies import reply_send
from tests.channels_instagram.fakes import IGSID
from tests.channels_messenger.fakes import (
    PSID,
    MessengerGraph,
    messenger_default,
    page_inbox,  # noqa: F401
)
from tests.factories import make_user
from tests.meta_graph import Answer, serve

pytestmark = pytest.mark.django_db

FB_POST = "108123456789012_987654321"


@pytest.fixture
def fb_graph(settings):
    yield from serve(MessengerGraph(messenger_default), settings)


@pytest.fixture
def fb(client, page_inbox, fb_graph, django_capture_on_commit_callbacks):  # noqa: F811
    from tests.channels_messenger.fakes import fixture_bytes, post_webhook

    def post(name: str):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_webhook(client, page_inbox, fixture_bytes(name)).status_code == 200

    return post


def _commented_just_now() -> None:
    """The fixtures' comments are older than Meta's 7 days for a private reply: make them recent."""
    Message.objects.filter(kind="comment").update(sent_at=timezone.now())


def _pane(client, conversation) -> str:
    client.force_login(make_user(inboxes=[conversation.inbox]))
    return client.get(reverse("conversation-pane", args=[conversation.pk])).content.decode()


# --- Facebook Page comments -------------------------------------------------------------------


def test_a_facebook_comment_becomes_a_public_conversation_with_its_post(fb, page_inbox, client):  # noqa: F811
    fb("feed_comment_add")
    fb("feed_comment_second")
    conversation = Conversation.objects.get()
    assert conversation.public is True and conversation.inbox == page_inbox
    assert conversation.source["post_id"] == FB_POST
    assert conversation.source["permalink"].startswith("https://www.facebook.com/")
    first, second = conversation.messages.order_by("sent_at")
    assert (first.kind, first.text, first.external_id) == (
        "comment",
        "Wanneer komt de nieuwe collectie?",
        "987654321_1111",
    )
    assert first.content == {"post_id": FB_POST, "parent_id": "", "root_id": "987654321_1111"}
    assert second.conversation == conversation  # one conversation per person per post
    assert conversation.contact.name == "Jan Jansen"
    pane = _pane(client, conversation)
    assert 'data-testid="public-badge"' in pane and "Everyone can read your reply" in pane
    assert 'data-testid="post-card"' in pane and "Open the post" in pane and 'data-testid="reply-privately"' in pane


def test_the_pages_own_reply_is_ours_and_edits_hides_and_removals_mark_the_comment(fb):
    fb("feed_comment_add")
    fb("feed_comment_page_reply")
    fb("feed_comment_edited")
    fb("feed_comment_hide")
    fb("feed_comment_remove")
    fb("feed_comment_remove")  # a redelivery changes nothing
    conversation = Conversation.objects.get()
    comment = Message.objects.get(external_id="987654321_1111")
    ours = Message.objects.get(external_id="987654321_2222")
    assert ours.direction == "out" and ours.conversation == conversation and ours.reply_to == comment
    assert ours.content["sent_outside_webcare"] is True and ours.content["parent_id"] == "987654321_1111"
    assert comment.text == "Wanneer komt de nieuwe wintercollectie?"
    assert comment.content["edits"][0]["text"] == "Wanneer komt de nieuwe collectie?"
    assert comment.content["hidden"] is True and comment.content["removed_at"]
    assert Message.objects.count() == 2  # nothing deleted, nothing new from the marks


def test_other_feed_items_such_as_likes_are_kept_raw_only(fb):
    fb("feed_post_like")
    assert not Conversation.objects.exists()


def test_a_public_reply_on_facebook_posts_under_the_comment(fb, fb_graph, django_capture_on_commit_callbacks):
    fb("feed_comment_add")
    conversation = Conversation.objects.get()
    fb_graph.script("POST", "/987654321_1111/comments", Answer(json={"id": "987654321_3333"}))
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(
            conversation=conversation, author=make_user(inboxes=[conversation.inbox]), text="Volgende week!"
        )
    reply.refresh_from_db()
    request = [r for r in fb_graph.requests if r.path == "/987654321_1111/comments"][0]
    assert request.json == {"message": "Volgende week!"}
    assert (reply.status, reply.external_id) == ("sent", "987654321_3333")
    fb("feed_comment_add")  # our own comment's echo is recognised by its id later; nothing doubles
    assert Message.objects.count() == 2


def _fb_message(client, page_inbox, mid: str, django_capture_on_commit_callbacks) -> Message:  # noqa: F811
    """The PSID's Messenger message (the `text` fixture under another mid, sent now), through
    the webhook URL."""
    from tests.channels_messenger.fakes import fixture_bytes, post_webhook

    now = str(int(timezone.now().timestamp() * 1000)).encode()
    body = fixture_bytes("text").replace(b"m_text_1", mid.encode()).replace(b"1795000000000", now)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, page_inbox, body).status_code == 200
    return Message.objects.get(external_id=mid)


def test_a_facebook_private_reply_learns_the_messenger_id_so_the_answer_lands_in_its_conversation(
    fb,
    fb_graph,
    page_inbox,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    from crm.models import Contact

    fb("feed_comment_add")  # Jan comments: `feed` gives his id on Facebook, not his PSID
    _commented_just_now()
    public = Conversation.objects.get()
    agent = make_user(inboxes=[page_inbox])
    with django_capture_on_commit_callbacks(execute=True):
        reply = private_reply_send(conversation=public, author=agent, text="Ik stuur u de details")
    # The Send API answers `{"recipient_id": PSID, "message_id": ...}`: Jan's Messenger id.
    assert fb_graph.send_bodies()[-1]["recipient"] == {"comment_id": "987654321_1111"}
    direct = Conversation.objects.get(pk=reply.conversation_id)
    assert direct.identity.external_id == PSID and direct.contact == public.contact

    answer = _fb_message(client, page_inbox, "m_answer_1", django_capture_on_commit_callbacks)
    assert answer.conversation == direct  # his answer continues the private reply's conversation
    assert Contact.objects.count() == 1 and direct.contact.name == "Jan Jansen"
    direct.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(conversation=direct, author=agent, text="Fijn dat het gelukt is")
    assert fb_graph.send_bodies()[-1]["recipient"] == {"id": PSID}  # further replies reach his PSID
    assert 'data-testid="public-conversation-link"' in _pane(client, direct)


def test_a_messenger_id_of_another_contact_is_not_taken_the_conversations_link_and_a_merge_is_suggested(
    fb,
    fb_graph,
    page_inbox,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    from crm.models import ContactIdentity, MergeSuggestion

    earlier = _fb_message(client, page_inbox, "m_earlier_1", django_capture_on_commit_callbacks)
    messenger = earlier.conversation  # the PSID wrote before: a contact of its own
    fb("feed_comment_add")
    _commented_just_now()
    public = Conversation.objects.get(public=True)
    assert public.contact != messenger.contact
    with django_capture_on_commit_callbacks(execute=True):
        private_reply_send(conversation=public, author=make_user(inboxes=[page_inbox]), text="Zie Messenger")

    assert ContactIdentity.objects.get(external_id=PSID).contact == messenger.contact  # still theirs
    suggestion = MergeSuggestion.objects.get()
    assert {suggestion.first_id, suggestion.second_id} == {public.contact_id, messenger.contact_id}
    assert suggestion.reason == "private_reply" and suggestion.status == "pending"
    public.refresh_from_db()
    messenger.refresh_from_db()
    assert public.source["direct_conversation_id"] == messenger.pk
    assert messenger.source["public_conversation_id"] == public.pk
    answer = _fb_message(client, page_inbox, "m_answer_2", django_capture_on_commit_callbacks)
    assert answer.conversation == messenger
    client.force_login(make_user("lead", role="admin"))
    page = client.get(reverse("contact-suggestions")).content.decode()
    assert "a private reply to a comment reached the other" in page


# --- Instagram comments -----------------------------------------------------------------------


def test_an_instagram_comment_and_a_live_comment_are_public_conversations(deliver, ig_inbox):
    deliver("comment")
    deliver("live_comment")
    comment = Message.objects.get(external_id="17900000000000001")
    assert comment.kind == "comment" and comment.text == "Is deze jas ook in het rood? 😍"
    assert comment.conversation.public and comment.conversation.source["post_id"] == "18000000000000001"
    assert comment.conversation.identity.external_id == IGSID
    assert comment.conversation.identity.display_name == "@sanne.dv"
    live = Message.objects.get(external_id="17900000000000005")
    assert live.conversation != comment.conversation and live.conversation.source["live"] == "true"


def test_a_comment_on_an_ad_carries_the_ads_title(deliver, client):
    deliver("comment_ad")
    conversation = Conversation.objects.get()
    assert conversation.source["ad_id"] == "23850000000000001" and conversation.source["ad_title"] == "Wintersale -30%"
    assert "Wintersale -30%" in _pane(client, conversation)


def test_the_accounts_own_instagram_reply_is_outbound_in_the_thread(deliver):
    deliver("comment")
    deliver("comment_own_reply")
    ours = Message.objects.get(external_id="17900000000000002")
    assert ours.direction == "out" and ours.conversation.public and ours.content["sent_outside_webcare"]


def test_a_public_reply_on_instagram_uses_the_replies_edge(deliver, graph, django_capture_on_commit_callbacks):
    deliver("comment")
    conversation = Conversation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(conversation=conversation, author=make_user(inboxes=[conversation.inbox]), text="Ja!")
    request = [r for r in graph.requests if r.method == "POST"][-1]
    assert (request.path, request.json) == ("/17900000000000001/replies", {"message": "Ja!"})
    reply.refresh_from_db()
    assert reply.status == "sent"


def test_a_private_reply_opens_the_direct_conversation_and_the_answer_lands_there(
    deliver, graph, client, django_capture_on_commit_callbacks
):
    deliver("comment")
    _commented_just_now()
    public = Conversation.objects.get()
    agent = make_user(inboxes=[public.inbox])
    with django_capture_on_commit_callbacks(execute=True):
        reply = private_reply_send(conversation=public, author=agent, text="Ik stuur u een DM met de details")
    reply.refresh_from_db()
    direct = reply.conversation
    assert direct != public and direct.public is False and direct.identity == public.identity
    request = [r for r in graph.requests if r.method == "POST"][-1]
    assert request.path == "/108123456789099/messages"
    assert request.json == {
        "recipient": {"comment_id": "17900000000000001"},
        "message": {"text": "Ik stuur u een DM met de details"},
    }
    assert reply.status == "sent"
    public.refresh_from_db()
    direct.refresh_from_db()
    assert public.source["direct_conversation_id"] == direct.pk and direct.source["public_conversation_id"] == public.pk
    assert AuditEntry.objects.filter(action="comment.private_reply").exists()
    # once per comment
    with pytest.raises(PrivateReplyRefused):
        private_reply_send(conversation=public, author=agent, text="Nog eens")
    # the customer's DM answer continues the direct conversation
    deliver("text")
    assert Message.objects.get(external_id="aWdfZAG1faXRlbToxOklH01").conversation == direct
    assert 'data-testid="replied-privately"' in _pane(client, public)


def test_the_composer_replies_privately_with_one_click(deliver, graph, client, django_capture_on_commit_callbacks):
    deliver("comment")
    _commented_just_now()
    public = Conversation.objects.get()
    client.force_login(make_user(inboxes=[public.inbox]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("conversation-reply", args=[public.pk]), {"text": "Zie uw DM", "reply_privately": "1"}
        )
    assert response.status_code == 200
    assert 'data-testid="replied-privately"' in response.content.decode()
    assert Conversation.objects.filter(public=False).get().messages.get().text == "Zie uw DM"


def test_the_api_replies_in_public_or_privately_and_conversations_say_they_are_public(
    deliver, graph, client, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    from inbox.api_tokens import api_token_create

    deliver("comment")
    _commented_just_now()
    public = Conversation.objects.get()
    agent = make_user(inboxes=[public.inbox])
    _, key = api_token_create(user=agent, name="ci")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listed = api.get("/api/v1/conversations/").json()["results"][0]
    assert listed["public"] is True and listed["source"]["post_id"] == "18000000000000001"
    with django_capture_on_commit_callbacks(execute=True):
        in_public = api.post(f"/api/v1/conversations/{public.pk}/messages/", {"text": "Ja!"}, format="json")
    assert in_public.status_code == 201 and in_public.json()["conversation"] == public.pk
    with django_capture_on_commit_callbacks(execute=True):
        private = api.post(
            f"/api/v1/conversations/{public.pk}/messages/", {"text": "Zie DM", "reply_privately": True}, format="json"
        )
    assert private.status_code == 201
    direct_id = private.json()["direct_conversation"]
    assert Conversation.objects.get(pk=direct_id).public is False and direct_id != public.pk
    again = api.post(
        f"/api/v1/conversations/{public.pk}/messages/", {"text": "Nog eens", "reply_privately": True}, format="json"
    )
    assert again.status_code == 400 and again.json()["code"] == "private_reply_sent"


def test_hiding_a_comment_and_deleting_our_reply_go_to_the_platform_with_the_audit_log(
    deliver, graph, client, django_capture_on_commit_callbacks
):
    deliver("comment")
    deliver("comment_own_reply")
    comment = Message.objects.get(external_id="17900000000000001")
    ours = Message.objects.get(external_id="17900000000000002")
    graph.script("POST", "/17900000000000001", Answer(json={"success": True}))
    graph.script("DELETE", "/17900000000000002", Answer(json={"success": True}))
    client.force_login(make_user(inboxes=[comment.inbox]))
    moderate = reverse("comment-moderate", args=[comment.pk])

    assert client.post(moderate, {"action": "hide"}).status_code == 200
    hide = [r for r in graph.requests if r.path == "/17900000000000001"][-1]
    assert (hide.method, hide.json) == ("POST", {"hide": True})
    comment.refresh_from_db()
    assert comment.content["hidden"] is True
    assert client.post(moderate, {"action": "delete"}).status_code == 422  # a customer's comment is never deleted

    timeline = client.post(reverse("comment-moderate", args=[ours.pk]), {"action": "delete"}).content.decode()
    assert [r.method for r in graph.requests if r.path == "/17900000000000002"] == ["DELETE"]
    ours.refresh_from_db()
    assert ours.content["removed_at"] and 'data-testid="comment-removed"' in timeline
    assert Message.objects.filter(pk=ours.pk).exists()  # marked, never deleted here
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == ["comment.deleted", "comment.hidden"]


def test_a_private_reply_is_refused_after_seven_days(deliver):
    deliver("comment")  # the fixture's comment is older than a week
    public = Conversation.objects.get()
    with pytest.raises(PrivateReplyRefused) as refused:
        private_reply_send(conversation=public, author=make_user(inboxes=[public.inbox]), text="Te laat")
    assert refused.value.code == "private_reply_expired"
    assert not Conversation.objects.filter(public=False).exists()


def test_the_faq_bot_and_automatic_replies_stay_out_of_public_threads_unless_the_inbox_allows(deliver, ig_inbox, graph):
    from automation.models import InboxAutomation
    from tests.automation.conftest import knowledge_load

    InboxAutomation.objects.create(inbox=ig_inbox, bot_enabled=True, away_enabled=True)
    knowledge_load()
    deliver("comment")  # "Is deze jas ook in het rood?": no answer in public
    assert not Message.objects.filter(direction="out").exists()
    assert not [r for r in graph.requests if r.method == "POST"]

    ig_inbox.config = {**ig_inbox.config, "automation_public_replies": True}
    ig_inbox.save()
    deliver("live_comment")
    assert Message.objects.filter(direction="out", sender_type="bot").exists()


def test_the_report_splits_each_channels_conversations_into_public_and_private(deliver, ig_inbox):
    from datetime import date

    from reporting.kpis import ReportFilter, summary_compute
    from reporting.services import reports_rollup

    deliver("comment")
    deliver("text")
    reports_rollup(now=timezone.now())
    day = timezone.localdate(Message.objects.get(external_id="17900000000000001").sent_at)
    summary = summary_compute(report_filter=ReportFilter(start=date(day.year, 1, 1), end=timezone.localdate()))
    instagram = summary["volume"]["instagram"]
    assert (instagram["conversations"], instagram["public_conversations"], instagram["private_conversations"]) == (
        2,
        1,
        1,
    )
