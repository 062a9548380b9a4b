"""The contact page in a real headless Chromium against the real ASGI app: edit in place
(a typed attribute, the name, hostile text shown as text), then merge another contact into
this one, see the merged contact's number and undo the merge; the inbox's contact panel."""

import pytest

from crm.models import AttributeDefinition, Contact
from inbox.ingest import message_ingest
from tests.factories import inbound, make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


@pytest.fixture
def customers():
    inbox = make_inbox("livechat", name="Website")
    make_user("anna", inboxes=[inbox])
    AttributeDefinition.objects.create(key="plan", label="Plan", kind="choice", choices=["basic", "pro"])
    sanne = message_ingest(
        inbox=inbox, inbound=inbound("lc-1", sender_id="v-1", name="Sanne", phone="06-12345678")
    ).message.conversation
    other = message_ingest(
        inbox=inbox, inbound=inbound("lc-2", sender_id="v-2", name="S. de Vries", phone="+49 151 23456789")
    ).message.conversation
    return sanne, other


def log_in(browser, app_url):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.wait_for_selector("#conversation-list")
    return context, page


def edit_field(page, slug: str, value: str, *, select: bool = False) -> None:
    field = page.locator(f'[data-testid="field-{slug}"]')
    field.locator('[data-testid="field-edit"]').click()
    control = page.locator(f'[data-testid="field-{slug}"] [data-testid="field-input"]')
    control.select_option(value) if select else control.fill(value)
    page.locator(f'[data-testid="field-{slug}"] [data-testid="field-save"]').click()
    page.wait_for_selector(f'[data-testid="field-{slug}"] [data-testid="field-edit"]')


def test_edit_in_place_and_merge_with_undo(app_url, browser, customers):  # noqa: F811
    sanne, other = customers
    context, page = log_in(browser, app_url)
    try:
        page.goto(f"{app_url}/contacts/{sanne.contact_id}/")
        page.wait_for_function("() => window.webcareContactSocket && window.webcareContactSocket().readyState === 1")

        # edit in place: a choice attribute and the name (hostile text stays text)
        edit_field(page, "attr-plan", "pro", select=True)
        edit_field(page, "name", "<b>Sanne</b> de Vries")
        assert page.locator('[data-testid="field-name"] [data-testid="field-value"]').inner_text() == (
            "<b>Sanne</b> de Vries"
        )
        assert page.locator('[data-testid="field-name"] b').count() == 0
        contact = Contact.objects.get(pk=sanne.contact_id)
        assert contact.name == "<b>Sanne</b> de Vries" and contact.attributes == {"plan": "pro"}

        # an invalid email is refused in place with a message
        page.locator('[data-testid="field-email"] [data-testid="field-edit"]').click()
        page.fill('[data-testid="field-email"] [data-testid="field-input"]', "not-an-email")
        page.locator('[data-testid="field-email"] [data-testid="field-save"]').click()
        page.wait_for_selector('[data-testid="field-error"]')

        # merge the other contact into this one: its number stays, and the merge can be undone
        page.goto(f"{app_url}/contacts/{sanne.contact_id}/")
        page.fill('[data-testid="merge-search"]', "+49 151")
        page.locator('#merge-options [role="option"]', has_text="S. de Vries").click()
        page.click('[data-testid="merge-submit"]')
        page.wait_for_selector('[data-testid="merge-undo"]')
        phones = page.locator('[data-testid="contact-phones"]').inner_text()
        assert "+31612345678" in phones and "+4915123456789" in phones
        assert page.locator('[data-testid="timeline-conversation"]').count() == 2
        assert Contact.objects.get(pk=other.contact_id).merged_into_id == sanne.contact_id

        page.click('[data-testid="merge-undo"]')
        page.wait_for_selector('[data-testid="flash"]')
        assert "+4915123456789" not in page.locator('[data-testid="contact-phones"]').inner_text()
        assert Contact.objects.get(pk=other.contact_id).merged_into_id is None

        # the inbox's contact panel: the same contact, editable in place
        page.goto(f"{app_url}/?c={sanne.pk}")
        page.wait_for_selector('[data-testid="contact-panel"]')
        edit_field(page, "phone", "+32 470 12 34 56")
        assert Contact.objects.get(pk=sanne.contact_id).phone == "+32470123456"
        assert page.errors == []
    finally:
        context.close()
