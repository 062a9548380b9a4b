"""The post above a public conversation: its caption, picture and permalink (and an ad's
name) fetched from the Graph API when the conversation starts, kept on the conversation's
source for the post card; a failed look-up keeps the card with the ids only."""

import json

import pytest
from django.urls import reverse

from inbox.models import Conversation
from tests.channels_instagram import fakes
from tests.channels_instagram.fakes import Answer, deliver, graph, ig_inbox  # noqa: F401
from tests.channels_messenger.fakes import MessengerGraph, messenger_default, page_inbox  # noqa: F401
from tests.factories import make_user
from tests.meta_graph import serve

pytestmark = pytest.mark.django_db

MEDIA_ID = "18000000000000001"
FB_POST = "108123456789012_987654321"
MEDIA = {
    "id": MEDIA_ID,
    "caption": "Onze nieuwe winterjassen <b>nu</b> binnen",
    "media_type": "IMAGE",
    "media_url": "https://scontent.cdninstagram.com/v/jas.jpg",
    "permalink": "https://www.instagram.com/p/C0ffee/",
    "timestamp": "2026-12-01T10:00:00+0000",
}


def _pane(client, conversation) -> str:
    client.force_login(make_user(inboxes=[conversation.inbox]))
    return client.get(reverse("conversation-pane", args=[conversation.pk])).content.decode()


def test_an_instagram_comment_thread_shows_its_posts_caption_picture_and_link(deliver, graph, client):  # noqa: F811
    graph.script("GET", f"/{MEDIA_ID}", Answer(json=MEDIA))
    deliver("comment")
    [lookup] = [r for r in graph.requests if r.method == "GET" and r.path == f"/{MEDIA_ID}"]
    assert lookup.query["fields"] == "caption,media_type,media_url,thumbnail_url,permalink,timestamp"
    conversation = Conversation.objects.get()
    assert conversation.source["caption"] == MEDIA["caption"] and conversation.source["post_id"] == MEDIA_ID
    assert conversation.source["thumbnail_url"] == MEDIA["media_url"]  # a photo is its own thumbnail
    pane = _pane(client, conversation)
    assert "Onze nieuwe winterjassen &lt;b&gt;nu&lt;/b&gt; binnen" in pane
    assert 'src="https://scontent.cdninstagram.com/v/jas.jpg"' in pane
    assert 'href="https://www.instagram.com/p/C0ffee/"' in pane
    deliver("comment")  # a redelivery asks nothing more
    assert len([r for r in graph.requests if r.path == f"/{MEDIA_ID}"]) == 1


def test_a_failed_look_up_keeps_the_card_with_the_ids(deliver, graph, client):  # noqa: F811
    graph.script("GET", f"/{MEDIA_ID}", Answer(status=500, json={"error": {"message": "boom", "code": 2}}))
    deliver("comment")
    conversation = Conversation.objects.get()
    assert "caption" not in conversation.source
    pane = _pane(client, conversation)
    assert 'data-testid="post-card"' in pane and MEDIA_ID in pane


def _media_lookups(fake) -> int:
    return len([r for r in fake.requests if r.method == "GET" and r.path == f"/{MEDIA_ID}"])


def test_a_failed_look_up_is_tried_again_later_and_the_card_fills_in(
    deliver,  # noqa: F811
    graph,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    from datetime import timedelta

    from django.utils import timezone

    from inbox.public import post_details_retries_enqueue

    graph.script(
        "GET", f"/{MEDIA_ID}", Answer(status=500, json={"error": {"message": "boom", "code": 2}}), Answer(json=MEDIA)
    )
    deliver("comment")
    conversation = Conversation.objects.get()
    assert "Onze nieuwe winterjassen" not in _pane(client, conversation)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_details_retries_enqueue() == 0  # not due yet: nothing asked
    assert _media_lookups(graph) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert post_details_retries_enqueue(now=timezone.now() + timedelta(minutes=6)) == 1
    assert _media_lookups(graph) == 2
    conversation.refresh_from_db()
    assert conversation.source["caption"] == MEDIA["caption"] and "post_lookup" not in conversation.source
    assert "Onze nieuwe winterjassen" in _pane(client, conversation)


def test_the_persons_next_comment_retries_a_due_look_up(deliver, graph, client, monkeypatch):  # noqa: F811
    from datetime import timedelta

    from inbox import public

    monkeypatch.setattr(public, "POST_LOOKUP_RETRY_DELAYS", (timedelta(0),) * 3)  # due at once
    graph.script(
        "GET", f"/{MEDIA_ID}", Answer(status=503, json={"error": {"message": "down", "code": 2}}), Answer(json=MEDIA)
    )
    deliver("comment")
    original = fakes.fixture_bytes
    monkeypatch.setattr(
        fakes,
        "fixture_bytes",
        lambda name, **kw: original(name, **kw).replace(b"17900000000000001", b"17900000000000099"),
    )
    deliver("comment")  # her next comment under the same post
    assert _media_lookups(graph) == 2
    assert Conversation.objects.get().source["caption"] == MEDIA["caption"]


def test_a_look_up_that_keeps_failing_is_given_up_after_a_few_tries(
    deliver,  # noqa: F811
    graph,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from datetime import timedelta

    from django.utils import timezone

    from inbox.public import post_details_retries_enqueue

    graph.script("GET", f"/{MEDIA_ID}", Answer(status=400, json={"error": {"message": "deleted", "code": 100}}))
    deliver("comment")
    for hours in (1, 2, 4, 8, 16):
        with django_capture_on_commit_callbacks(execute=True):
            post_details_retries_enqueue(now=timezone.now() + timedelta(hours=hours))
    assert _media_lookups(graph) == 4  # the first try and three more
    assert Conversation.objects.get().source["post_lookup"] == {"failures": 4, "retry_at": ""}


def test_an_ad_known_only_by_its_id_gets_its_name(deliver, graph, monkeypatch):  # noqa: F811
    original = fakes.fixture_bytes

    def without_title(name, **kwargs):
        body = json.loads(original(name, **kwargs))
        del body["entry"][0]["changes"][0]["value"]["media"]["ad_title"]
        return json.dumps(body).encode()

    monkeypatch.setattr(fakes, "fixture_bytes", without_title)
    graph.script("GET", "/23850000000000001", Answer(json={"id": "23850000000000001", "name": "Wintersale -30%"}))
    deliver("comment_ad")
    [ad] = [r for r in graph.requests if r.path == "/23850000000000001"]
    assert ad.query["fields"] == "name"
    assert Conversation.objects.get().source["ad_title"] == "Wintersale -30%"


@pytest.fixture
def fb_graph(settings):
    yield from serve(MessengerGraph(messenger_default), settings)


def test_a_facebook_comment_thread_shows_its_posts_message_picture_and_link(  # noqa: F811
    client,
    page_inbox,  # noqa: F811
    fb_graph,
    django_capture_on_commit_callbacks,
):
    from tests.channels_messenger.fakes import fixture_bytes, post_webhook

    post = {
        "id": FB_POST,
        "message": "Nieuwe collectie!",
        "permalink_url": "https://www.facebook.com/modehuis/posts/987654321",
        "full_picture": "https://scontent.xx.fbcdn.net/collectie.jpg",
    }
    fb_graph.script("GET", f"/{FB_POST}", Answer(json=post))
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, page_inbox, fixture_bytes("feed_comment_add")).status_code == 200
    [lookup] = [r for r in fb_graph.requests if r.path == f"/{FB_POST}"]
    assert lookup.query["fields"] == "message,permalink_url,full_picture"
    source = Conversation.objects.get().source
    assert (source["caption"], source["thumbnail_url"]) == ("Nieuwe collectie!", post["full_picture"])
    assert source["permalink"] == post["permalink_url"]
