"""The inbox's "answer in public" switch in a real headless Chromium: an admin turns it on and
off on the inbox's service page; an Instagram comment asking an FAQ question, signed and posted
to the inbox's real webhook URL, gets a public answer from the bot only while it is on (the fake
Graph API sees exactly that one reply under the comment), and the audit log page shows both
changes."""

import json
import time

import pytest
import requests
from playwright.sync_api import expect

from automation.models import InboxAutomation, KnowledgeEntry
from inbox.models import Conversation, Message
from tests.browser import LIVE_WAIT_MS
from tests.channels_instagram.fakes import ACCOUNT_ID, graph, ig_inbox, sign  # noqa: F401 - fixtures
from tests.factories import make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

SWITCH = "Let the bot and the automatic replies answer public comments"
ANSWER = "Wij zijn bereikbaar op werkdagen van 9:00 tot 17:30."
FOOTER = "Niet geholpen? Typ 'medewerker' en een collega neemt het over."


def _comment(app_url, inbox, comment_id: str, who: str) -> Message:  # noqa: F811
    """A person asks the FAQ question under a post; returns the stored comment."""
    value = {
        "from": {"id": f"9911{who}", "username": f"klant.{who}"},
        "media": {"id": "18000000000000901", "media_product_type": "FEED"},
        "id": comment_id,
        "text": "Wat zijn jullie openingstijden?",
    }
    payload = {
        "object": "instagram",
        "entry": [{"id": ACCOUNT_ID, "time": int(time.time()), "changes": [{"field": "comments", "value": value}]}],
    }
    body = json.dumps(payload).encode()
    response = requests.post(
        app_url + inbox.webhook_path,
        data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return Message.objects.get(external_id=comment_id)


def _automation_saw(message: Message) -> None:
    """Wait until automation has taken the comment up (it keeps a row per conversation, with the
    language it read), so a missing answer is a decision, not a delay."""
    from automation.models import ConversationAutomation

    deadline = time.monotonic() + LIVE_WAIT_MS / 1000
    seen = ConversationAutomation.objects.filter(conversation_id=message.conversation_id, language="nl")
    while not seen.exists():
        assert time.monotonic() < deadline, "automation never saw the comment"
        time.sleep(0.05)


def _public_answers(graph) -> list:  # noqa: F811
    """What the fake Graph API received that would answer a comment in public."""
    return [r for r in graph.requests if r.method == "POST" and r.path.endswith(("/replies", "/comments"))]


def _switch(page, app_url, inbox, *, on: bool) -> None:  # noqa: F811
    page.goto(f"{app_url}/settings/inboxes/{inbox.pk}/service/")
    box = page.get_by_label(SWITCH)
    expect(box).to_be_checked(checked=not on)
    box.set_checked(on)
    page.click('[data-testid="service-save"]')
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_label(SWITCH)).to_be_checked(checked=on)


def test_an_admin_lets_the_bot_answer_comments_in_public_and_stops_it_again(app_url, browser, graph, ig_inbox):  # noqa: F811
    InboxAutomation.objects.create(inbox=ig_inbox, bot_enabled=True)
    KnowledgeEntry.objects.create(
        inbox=ig_inbox, language="nl", title="hours", answer=ANSWER, questions="Wat zijn jullie openingstijden?"
    )
    make_user("root", role="admin")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
    try:
        page.goto(f"{app_url}/accounts/login/")
        page.fill("#id_username", "root")
        page.fill("#id_password", "pw-secret-123")
        page.click("button[type=submit]")
        page.wait_for_selector("#conversation-list")

        # off (as a new inbox starts): the comment is stored, the bot stays out of public view
        off = _comment(app_url, ig_inbox, "17900000000000901", "0001")
        assert Conversation.objects.get(pk=off.conversation_id).public
        _automation_saw(off)
        assert _public_answers(graph) == []
        assert not Message.objects.filter(conversation=off.conversation, direction="out").exists()

        # on: the next question gets the FAQ answer under the comment, exactly once
        _switch(page, app_url, ig_inbox, on=True)
        on = _comment(app_url, ig_inbox, "17900000000000902", "0002")
        deadline = time.monotonic() + LIVE_WAIT_MS / 1000
        while not _public_answers(graph) and time.monotonic() < deadline:
            time.sleep(0.05)
        [reply] = _public_answers(graph)
        assert (reply.method, reply.path) == ("POST", f"/{on.external_id}/replies")
        assert reply.json == {"message": f"{ANSWER}\n\n{FOOTER}"}
        sent = Message.objects.get(conversation=on.conversation, direction="out", sender_type="bot")
        assert sent.text == reply.json["message"]

        # off again: a third person's question gets no public answer
        _switch(page, app_url, ig_inbox, on=False)
        again = _comment(app_url, ig_inbox, "17900000000000903", "0003")
        _automation_saw(again)
        assert not Message.objects.filter(conversation=again.conversation, direction="out").exists()
        assert len(_public_answers(graph)) == 1
        assert [r.path for r in graph.requests if r.method == "POST"] == [f"/{on.external_id}/replies"]

        # the audit log shows who changed it, on which inbox, from what to what
        page.goto(f"{app_url}/settings/audit/")
        rows = page.locator('[data-testid="audit-row"][data-action="inbox.public_replies"]')
        expect(rows).to_have_count(2)
        newest, oldest = rows.nth(0).locator("td"), rows.nth(1).locator("td")
        for cells, before, after in ((oldest, "No", "Yes"), (newest, "Yes", "No")):
            expect(cells.nth(1)).to_have_text("root")
            expect(cells.nth(2)).to_have_text("Inbox automatic public replies changed")
            expect(cells.nth(3)).to_contain_text(ig_inbox.name)
            expect(cells.nth(4).locator("del")).to_have_text(before)
            expect(cells.nth(4).locator("ins")).to_have_text(after)
        assert errors == []
    finally:
        context.close()
