"""Pickers in a real headless Chromium: tags picked as you type, shown as coloured chips
(agents pick from the list, a lead may add a new tag), and a contact to merge found by name,
phone or email instead of by its internal number."""

import pytest
from playwright.sync_api import expect

from crm.models import Contact, ContactTag
from inbox.ingest import message_ingest
from inbox.models import Conversation, Tag
from tests.factories import inbound, make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


@pytest.fixture
def world():
    inbox = make_inbox("livechat", name="Website")
    make_user("anna", inboxes=[inbox])
    make_user("lena", role="lead")
    Tag.objects.create(name="refund", color="#dc2626")
    Tag.objects.create(name="delivery", color="#2563eb")
    ContactTag.objects.create(name="VIP", color="#9333ea")
    sanne = message_ingest(
        inbox=inbox, inbound=inbound("lc-1", sender_id="v-1", name="Sanne", phone="06-12345678")
    ).message.conversation
    other = message_ingest(
        inbox=inbox,
        inbound=inbound("lc-2", sender_id="v-2", name="S. de Vries", phone="+49 151 23456789", email="sdv@example.de"),
    ).message.conversation
    return sanne, other


def eventually(page, check) -> None:
    """Wait (generously) until what the page saved is in the database."""
    for _ in range(150):
        if check():
            return
        page.wait_for_timeout(200)
    assert check()


def log_in(browser, app_url, username):  # noqa: F811
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.wait_for_selector("#conversation-list")
    return context, page


def test_an_agent_picks_conversation_and_contact_tags_from_the_list(app_url, browser, world):  # noqa: F811
    sanne, _other = world
    context, page = log_in(browser, app_url, "anna")
    try:
        page.goto(f"{app_url}/?c={sanne.pk}")
        picker = page.locator('[data-testid="tags-picker"]')
        picker.locator('[data-testid="tags-input"]').fill("ref")
        option = picker.locator('[role="option"]')
        expect(option).to_have_count(1)
        expect(option).to_have_text("refund")
        page.keyboard.press("Enter")
        # saved, and shown again after the header re-renders, as a red chip
        chip = page.locator('[data-testid="tags-picker"] [data-testid="tag-chip"][data-name="refund"]')
        expect(chip).to_have_class("tag tag-color-red")
        eventually(page, lambda: Conversation.objects.get(pk=sanne.pk).tags.filter(name="refund").exists())

        # an agent cannot add a tag that is not on the list: the picker says who can
        page.locator('[data-testid="tags-input"]').fill("brandnew")
        expect(page.locator('[data-testid="tags-picker"] [data-testid="picker-option"]')).to_have_text(
            "No tag matches. Team leads add new tags."
        )
        expect(page.locator('[data-testid="tags-picker"] [role="option"]')).to_have_count(0)

        # the contact panel's tags work the same way
        # after a reload the saved tag is there, as a red chip
        page.goto(f"{app_url}/?c={sanne.pk}")
        expect(page.locator('[data-testid="tags-picker"] [data-name="refund"]')).to_have_class("tag tag-color-red")
        panel = page.locator('[data-testid="contact-panel"]')
        panel.locator('[data-testid="contact-tags-input"]').fill("v")
        panel.locator('[role="option"]', has_text="VIP").click()
        expect(page.locator('[data-testid="contact-panel"] [data-testid="tag-chip"][data-name="VIP"]')).to_have_class(
            "tag tag-color-purple"
        )
        eventually(
            page, lambda: list(Contact.objects.get(pk=sanne.contact_id).tags.values_list("name", flat=True)) == ["VIP"]
        )
        assert page.errors == []
    finally:
        context.close()


def test_a_lead_adds_a_new_tag_from_the_picker_and_removes_one(app_url, browser, world):  # noqa: F811
    sanne, _other = world
    context, page = log_in(browser, app_url, "lena")
    try:
        page.goto(f"{app_url}/contacts/{sanne.contact_id}/")
        page.locator('[data-testid="contact-tags-input"]').fill("Wholesale")
        page.locator('[data-testid="contact-tags-picker"] [role="option"]', has_text="Wholesale").click()
        expect(page.locator('[data-testid="contact-tags-picker"] [data-name="Wholesale"]')).to_be_visible()
        eventually(page, lambda: ContactTag.objects.filter(name="Wholesale").exists())
        page.locator('[data-testid="contact-tags-picker"] [data-name="Wholesale"] .tag-remove').click()
        expect(page.locator('[data-testid="contact-tags-picker"] [data-name="Wholesale"]')).to_have_count(0)
        expect(page.locator('[data-testid="contact-tags-picker"] [data-testid="tag-chip"]')).to_have_count(0)
        eventually(page, lambda: not Contact.objects.get(pk=sanne.contact_id).tags.exists())
        assert page.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("typed", ["S. de", "+49 151 23456789", "sdv@example.de"])
def test_a_contact_to_merge_is_found_by_name_phone_or_email(app_url, browser, world, typed):  # noqa: F811
    sanne, other = world
    context, page = log_in(browser, app_url, "anna")
    try:
        page.goto(f"{app_url}/contacts/{sanne.contact_id}/")
        expect(page.locator('[data-testid="merge-submit"]')).to_be_disabled()
        page.fill('[data-testid="merge-search"]', typed)
        option = page.locator('#merge-options [role="option"]')
        expect(option).to_have_count(1)  # never the contact itself
        expect(option).to_contain_text("S. de Vries")
        expect(option).to_contain_text("+4915123456789")
        option.click()
        page.click('[data-testid="merge-submit"]')
        page.wait_for_selector('[data-testid="merge-undo"]')
        assert Contact.objects.get(pk=other.contact_id).merged_into_id == sanne.contact_id
        assert page.errors == []
    finally:
        context.close()
