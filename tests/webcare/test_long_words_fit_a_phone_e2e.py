"""A Dutch team lead on a phone (390 px): the pages a lead opens besides the main ones keep
to the screen even where Dutch makes one long word of a heading ("Standaardantwoorden",
"Samenvoegingssuggesties") and a form has a wide text box."""

import os

import pytest

from inbox.models import AgentProfile
from tests.factories import make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


def test_canned_responses_and_merge_suggestions_fit_a_phone_in_dutch(app_url, browser):  # noqa: F811
    lead = make_user("lea", role="lead", password="pw-secret-123")
    AgentProfile.objects.filter(user=lead).update(language="nl")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/accounts/login/")
        page.fill("#id_username", "lea")
        page.fill("#id_password", "pw-secret-123")
        page.click("button[type=submit]")
        page.wait_for_url(f"{app_url}/")
        wide = {}
        for path in ("/inbox/canned/manage/", "/contacts/suggestions/"):
            page.goto(f"{app_url}{path}")
            page.wait_for_load_state("load")
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > 390:
                wide[path] = width
        assert wide == {}
    finally:
        context.close()
