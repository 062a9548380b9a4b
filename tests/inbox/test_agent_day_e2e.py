"""An agent's day in Dutch, in a real Chromium at a desktop, a laptop and a phone size: she
chooses desktop notifications and grants the browser's permission from a button (never asked
on page load), is told of a new conversation, an assignment, a customer's reply and a mention,
learns where canned responses come from, mentions a colleague from the @ picker, snoozes with
a preset from the keyboard, and resolves her way through the list (each resolve opens the next
conversation, the last an empty view)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inbox import replies, services
from inbox.ingest import message_ingest
from inbox.models import AgentProfile, Conversation, Mention, Tag
from tests.browser import LIVE_WAIT_MS
from tests.factories import inbound, make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

# Records every notification the page creates and every permission request, around the
# browser's own Notification (which still shows them).
NOTIFICATION_SPY = """
(() => {
  const Real = window.Notification;
  window.__notifications = [];
  window.__permissionAsked = 0;
  if (typeof Real !== "function") return;
  function Spy(title, options) {
    window.__notifications.push({ title: title, body: (options || {}).body, tag: (options || {}).tag });
    try { return new Real(title, options); } catch (e) { return { close() {} }; }
  }
  Spy.requestPermission = function () {
    window.__permissionAsked += 1;
    return Real.requestPermission.apply(Real, arguments);
  };
  Object.defineProperty(Spy, "permission", { get: () => Real.permission });
  window.Notification = Spy;
})();
"""

SIZES = [
    pytest.param((1440, 900), id="desktop"),
    pytest.param((1024, 768), id="laptop"),
    pytest.param((390, 844), id="phone"),
]


def _reveal(page, selector: str, *switches: str) -> None:
    """A phone shows one pane at a time: press the pane switches (by test id) in turn until
    `selector` is on screen. On a wide screen it already is, and nothing is pressed."""
    for testid in switches:
        if page.locator(selector).first.is_visible():
            return
        switch = page.locator(f'[data-testid="{testid}"]:visible')
        if switch.count():
            switch.first.click()
    page.locator(selector).first.wait_for(state="visible", timeout=LIVE_WAIT_MS)


def _notified(page, prefix: str) -> None:
    page.wait_for_function(
        "prefix => window.__notifications.some(n => (n.tag || '').startsWith(prefix))",
        arg=prefix,
        timeout=LIVE_WAIT_MS,
    )


def _open(page, conversation_id: int) -> None:
    item = f'[data-testid="conversation-item"][data-conversation-id="{conversation_id}"] a'
    _reveal(page, item, "back-to-list")
    page.click(f'[data-testid="conversation-item"][data-conversation-id="{conversation_id}"] a')
    page.wait_for_selector(f'.conversation-view[data-conversation-id="{conversation_id}"]', timeout=LIVE_WAIT_MS)


def _open_count(page, expected: str) -> None:
    """The sidebar's count of open conversations ("All") follows every change live."""
    count = page.locator('[data-testid="view-count"][data-view="all"]')
    expect(count).to_have_text(expected, timeout=LIVE_WAIT_MS)


def _list_ids(page) -> list[int]:
    return [
        int(i)
        for i in page.eval_on_selector_all(
            '[data-testid="conversation-item"]', "items => items.map(i => i.dataset.conversationId)"
        )
    ]


@pytest.mark.parametrize("size", SIZES)
def test_an_agents_day_in_dutch(app_url, browser, size):  # noqa: F811
    # given: Anna (who works in Dutch) and Ben answer the website chat; three customers wait
    inbox = make_inbox("livechat", name="Website")
    anna = make_user("anna", inboxes=[inbox], password="pw-secret-123")
    ben = make_user("ben", inboxes=[inbox])
    for user, first in ((anna, "Anna"), (ben, "Ben")):
        user.first_name = first
        user.save()
    AgentProfile.objects.filter(user=anna).update(language="nl")
    sanne, max_, piet = (
        message_ingest(
            inbox=inbox, inbound=inbound(f"d{n}", sender_id=f"v{n}", name=name, text=text)
        ).message.conversation
        for n, name, text in ((1, "Sanne", "Hoi, een vraag"), (2, "Max", "Mijn pakket?"), (3, "Piet", "Retour"))
    )
    Tag.objects.create(name="terugbellen", color="#dc2626")  # the team lead's tag list
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    context.add_init_script(NOTIFICATION_SPY)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.wait_for_selector('[data-testid="conversation-item"]')
    assert page.get_attribute("html", "lang") == "nl"

    # she chooses notifications on her profile; nothing asks the browser on page load
    page.goto(f"{app_url}/profile/")
    for kind in ("new_conversation", "assigned", "mentioned", "customer_reply"):
        page.check(f'input[name="kinds"][value="{kind}"]')
    page.check('input[name="sound"]')
    page.click('[data-testid="notifications-form"] button[type=submit]')
    page.wait_for_selector('input[name="kinds"][value="mentioned"]:checked')
    page.goto(f"{app_url}/?c={sanne.pk}")
    page.wait_for_selector(f'.conversation-view[data-conversation-id="{sanne.pk}"]')
    assert page.evaluate("window.__permissionAsked") == 0
    # the inbox offers a button for the browser's permission, and only that button asks
    page.click('[data-testid="notify-allow"]')
    page.wait_for_function("window.__permissionAsked === 1", timeout=LIVE_WAIT_MS)
    context.grant_permissions(["notifications"], origin=app_url)
    page.wait_for_function("Notification.permission === 'granted'", timeout=LIVE_WAIT_MS)

    # a new conversation, an assignment by Ben and a customer's reply in it each notify her
    newcomer = message_ingest(
        inbox=inbox, inbound=inbound("d4", sender_id="v4", name="Kees", text="Goedemiddag")
    ).message.conversation
    _notified(page, f"new_conversation-{newcomer.pk}-")
    _open_count(page, "4")
    services.conversation_update(conversation=piet, actor=ben, assignee=anna)
    _notified(page, f"assigned-{piet.pk}-")
    reply = message_ingest(inbox=inbox, inbound=inbound("d5", sender_id="v3", text="Nog iets")).message
    _notified(page, f"customer_reply-{piet.pk}-{reply.pk}")

    # Ben mentions her in a note on Max's conversation: she is told, and Mentions lists it unread
    note = replies.reply_send(conversation=max_, author=ben, text="@Anna kun jij Max bellen?", private=True)
    _notified(page, f"mentioned-{max_.pk}-{note.pk}")
    spied = page.evaluate("window.__notifications.find(n => n.tag.startsWith('mentioned-'))")
    assert "Ben" in spied["title"] and spied["body"] == "@Anna kun jij Max bellen?"
    _reveal(page, '[data-testid="mentions-link"]', "back-to-list", "show-views")
    page.click('[data-testid="mentions-link"]')
    page.wait_for_selector(f'[data-conversation-id="{max_.pk}"] [data-testid="mention-unread"]', timeout=LIVE_WAIT_MS)

    # she opens it (the mention is read) and mentions Ben back from the picker, by keyboard
    _open(page, max_.pk)
    # (typing / finds no canned responses yet: the picker says where they come from)
    page.click('[data-testid="composer-input"]')
    page.keyboard.type("/")
    page.wait_for_selector('[data-testid="canned-none"]', timeout=LIVE_WAIT_MS)
    assert page.locator('[data-testid="canned-manage-link"]').count() == 0  # only leads manage them
    page.fill('[data-testid="composer-input"]', "")
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    page.type('[data-testid="composer-input"]', "@Be")
    page.wait_for_selector('[data-testid="mention-option"]', timeout=LIVE_WAIT_MS)
    assert [t.split()[0] for t in page.locator('[data-testid="mention-option"]').all_inner_texts()] == ["Ben"]
    page.keyboard.press("Enter")
    page.type('[data-testid="composer-input"]', "ik bel hem nu")
    assert page.input_value('[data-testid="composer-input"]') == "@Ben ik bel hem nu"
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-testid="message"] >> text=ik bel hem nu', timeout=LIVE_WAIT_MS)
    assert Mention.objects.filter(mentioned=ben, author=anna, conversation=max_).count() == 1
    assert Mention.objects.get(mentioned=anna).read_at is not None

    # back to the open conversations: she snoozes Sanne's until tomorrow 09:00 with the keyboard
    page.goto(f"{app_url}/?c={sanne.pk}")
    page.wait_for_selector(f'.conversation-view[data-conversation-id="{sanne.pk}"]')
    page.keyboard.press("s")
    page.wait_for_selector('[data-testid="snooze-menu"][open]')
    for _ in range(5):
        if page.evaluate("document.activeElement.dataset.preset") == "tomorrow":
            break
        page.keyboard.press("ArrowDown")
    with page.expect_response(lambda r: "/update/" in r.url):
        page.keyboard.press("Enter")
    sanne.refresh_from_db()
    until = timezone.localtime(sanne.snoozed_until)
    assert sanne.status == "snoozed"
    assert (until.date(), until.hour, until.minute) == (timezone.localdate() + timedelta(days=1), 9, 0)
    _open_count(page, "3")  # a snoozed conversation is no longer open

    # and resolves her way through the list: each resolve opens the next one, the last says so
    page.goto(f"{app_url}/")
    page.wait_for_function(
        f"!document.querySelector('[data-conversation-id=\"{sanne.pk}\"].conversation-item')", timeout=LIVE_WAIT_MS
    )
    order = _list_ids(page)
    assert sorted(order) == sorted([max_.pk, piet.pk, newcomer.pk])
    _open(page, order[0])
    # she tags it from the picker: "terug" finds the team's tag
    _reveal(page, '[data-testid="tags-input"]', "show-actions")
    page.fill('[data-testid="tags-input"]', "terug")
    expect(page.locator('[data-testid="tags-picker"] [role="option"]')).to_have_text("terugbellen")
    page.keyboard.press("Enter")
    chip = page.locator('[data-testid="tags-picker"] [data-testid="tag-chip"][data-name="terugbellen"]')
    expect(chip).to_have_count(1, timeout=LIVE_WAIT_MS)
    page.wait_for_function(
        "id => !!document.querySelector(`[data-conversation-id='${id}'].conversation-item .tag`)", arg=order[0]
    )
    assert list(Conversation.objects.get(pk=order[0]).tags.values_list("name", flat=True)) == ["terugbellen"]
    page.focus("body")
    page.keyboard.press("Escape")
    page.keyboard.press("e")  # the shortcut
    page.wait_for_selector(f'.conversation-view[data-conversation-id="{order[1]}"]', timeout=LIVE_WAIT_MS)
    assert f"c={order[1]}" in page.url
    _reveal(page, '[data-testid="resolve"]', "show-actions")
    page.click('[data-testid="resolve"]')  # the button
    page.wait_for_selector(f'.conversation-view[data-conversation-id="{order[2]}"]', timeout=LIVE_WAIT_MS)
    _reveal(page, '[data-testid="resolve"]', "show-actions")
    page.click('[data-testid="resolve"]')
    page.wait_for_selector('[data-testid="pane-empty"]', timeout=LIVE_WAIT_MS)
    _open_count(page, "0")
    assert set(Conversation.objects.filter(pk__in=order).values_list("status", flat=True)) == {"resolved"}
    assert errors == []
    context.close()
