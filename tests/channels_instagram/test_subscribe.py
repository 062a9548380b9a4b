""" "Test connection" subscribes the app to the Page's webhooks (`feed` for comments, and the
messaging fields) or, for Instagram Login, to the account's, against the fake Graph API, and
says on the setup page what was subscribed or why not."""

import pytest

from tests.channels_instagram.fakes import ACCOUNT_ID, PAGE_ID, Answer, graph, ig_inbox  # noqa: F401
from tests.channels_messenger.fakes import MessengerGraph, messenger_default, page_inbox  # noqa: F401
from tests.factories import make_user
from tests.meta_graph import serve

pytestmark = pytest.mark.django_db


def _subscriptions(fake, account):
    return [r for r in fake.requests if r.method == "POST" and r.path == f"/{account}/subscribed_apps"]


def test_testing_an_instagram_inbox_subscribes_its_page_to_feed_and_messages(client, graph, ig_inbox):  # noqa: F811
    client.force_login(make_user("ada", role="admin"))
    graph.script("GET", f"/{ACCOUNT_ID}", Answer(json={"username": "modehuis"}))
    graph.script("POST", f"/{PAGE_ID}/subscribed_apps", Answer(json={"success": True}))
    page = client.post(f"/settings/inboxes/{ig_inbox.pk}/test/").content.decode()
    [subscribe] = _subscriptions(graph, PAGE_ID)
    fields = subscribe.query["subscribed_fields"].split(",")
    assert "feed" in fields and "messages" in fields and subscribe.host == "facebook"
    assert "Webhook subscription" in page and "feed, messages" in page


def test_an_instagram_login_account_subscribes_itself_on_the_instagram_host(client, graph, ig_inbox):  # noqa: F811
    ig_inbox.config = {"login": "instagram", "page_id": ""}
    ig_inbox.save()
    client.force_login(make_user("ada", role="admin"))
    graph.script("GET", f"/{ACCOUNT_ID}", Answer(json={"username": "modehuis"}))
    graph.script("POST", f"/{ACCOUNT_ID}/subscribed_apps", Answer(json={"success": True}))
    client.post(f"/settings/inboxes/{ig_inbox.pk}/test/")
    [subscribe] = _subscriptions(graph, ACCOUNT_ID)
    assert subscribe.host == "instagram"
    # Instagram's webhook fields (docs/instagram.md, Sources): no Messenger-only ones
    # (`message_echoes`, `message_reads`, `message_edits`).
    assert subscribe.query["subscribed_fields"].split(",") == [
        "comments",
        "live_comments",
        "mentions",
        "messages",
        "messaging_seen",
        "message_reactions",
        "messaging_postbacks",
        "messaging_referral",
    ]


def test_a_refused_subscription_is_explained_on_the_setup_page(client, graph, ig_inbox):  # noqa: F811
    client.force_login(make_user("ada", role="admin"))
    graph.script("GET", f"/{ACCOUNT_ID}", Answer(json={"username": "modehuis"}))
    error = {"error": {"message": "(#200) Requires pages_manage_metadata permission", "code": 200}}
    graph.script("POST", f"/{PAGE_ID}/subscribed_apps", Answer(status=403, json=error))
    page = client.post(f"/settings/inboxes/{ig_inbox.pk}/test/").content.decode()
    assert "not subscribed" in page and "pages_manage_metadata" in page


@pytest.fixture
def fb_graph(settings):
    yield from serve(MessengerGraph(messenger_default), settings)


def test_testing_a_messenger_inbox_subscribes_the_page_to_feed(client, fb_graph, page_inbox):  # noqa: F811
    client.force_login(make_user("ada", role="admin"))
    fb_graph.script("GET", f"/{page_inbox.external_id}", Answer(json={"name": "Modehuis"}))
    fb_graph.script("POST", f"/{page_inbox.external_id}/subscribed_apps", Answer(json={"success": True}))
    page = client.post(f"/settings/inboxes/{page_inbox.pk}/test/").content.decode()
    [subscribe] = _subscriptions(fb_graph, page_inbox.external_id)
    assert subscribe.query["subscribed_fields"].split(",") == [
        "feed",
        "messages",
        "messaging_postbacks",
        "message_echoes",
        "message_reads",
        "message_reactions",
        "messaging_referrals",
        "message_edits",  # a customer's edit is its own Messenger field: without it no edit arrives
    ]
    assert "Modehuis" in page and "Webhook subscription" in page
