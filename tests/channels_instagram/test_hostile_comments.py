"""Public comments under attack: a post card whose Graph data is hostile, and moderation or a
private reply by someone who may not, or from another site (CSRF). Through the real webhook
URL and the fake Graph API."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inbox.models import Conversation, Message
from tests.channels_instagram.fakes import Answer, deliver, graph, ig_inbox  # noqa: F401
from tests.factories import make_inbox, make_user

pytestmark = pytest.mark.django_db

MEDIA_ID = "18000000000000001"


def test_a_hostile_post_card_shows_no_script_no_foreign_scheme_and_no_plain_http_picture(deliver, graph, client):  # noqa: F811
    graph.script(
        "GET",
        f"/{MEDIA_ID}",
        Answer(
            json={
                "id": MEDIA_ID,
                "caption": '<img src=x onerror=alert(1)><script>alert(2)</script>"><a href="javascript:alert(3)">',
                "media_type": "IMAGE",
                "media_url": "http://tracker.example/pixel.gif",
                "thumbnail_url": "data:image/svg+xml,<svg onload=alert(4)>",
                "permalink": "javascript:alert(5)//https://www.instagram.com/p/x/",
            }
        ),
    )
    deliver("comment")
    conversation = Conversation.objects.get()
    client.force_login(make_user(inboxes=[conversation.inbox]))

    pane = client.get(reverse("conversation-pane", args=[conversation.pk])).content.decode()

    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in pane and "<script>alert(2)" not in pane
    assert "javascript:" not in pane.replace("javascript:alert(3)", "")  # only inside the escaped caption
    assert "tracker.example" not in pane and "data:image/svg" not in pane


def test_moderation_and_private_replies_need_the_inbox_and_a_csrf_token(deliver, graph):  # noqa: F811
    deliver("comment")
    Message.objects.filter(kind="comment").update(sent_at=timezone.now())
    comment = Message.objects.get(external_id="17900000000000001")
    public = comment.conversation
    graph.script("POST", "/17900000000000001", Answer(json={"success": True}))
    before = len(graph.requests)

    outsider = Client()
    outsider.force_login(make_user(inboxes=[make_inbox("whatsapp")]))
    hidden_by_outsider = outsider.post(reverse("comment-moderate", args=[comment.pk]), {"action": "hide"})
    private_by_outsider = outsider.post(
        reverse("conversation-reply", args=[public.pk]), {"text": "DM", "reply_privately": "1"}
    )
    from rest_framework.test import APIClient

    from inbox.api_tokens import api_token_create

    _, key = api_token_create(user=make_user(inboxes=[make_inbox("whatsapp")]), name="outsider")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    private_by_api = api.post(
        f"/api/v1/conversations/{public.pk}/messages/", {"text": "DM", "reply_privately": True}, format="json"
    )
    member = Client(enforce_csrf_checks=True)
    member.force_login(make_user(inboxes=[public.inbox]))
    forged = member.post(reverse("comment-moderate", args=[comment.pk]), {"action": "hide"})

    assert (hidden_by_outsider.status_code, private_by_outsider.status_code, private_by_api.status_code) == (404,) * 3
    assert forged.status_code == 403
    assert len(graph.requests) == before
    comment.refresh_from_db()
    assert "hidden" not in comment.content
    assert Conversation.objects.count() == 1  # no direct conversation was opened
