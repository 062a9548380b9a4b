"""Files people send cannot run script on our origin, in a real headless Chromium against the real
ASGI app: a team lead opens an agent's SVG note and a customer's WhatsApp "image" that is an SVG
(the Graph API calls it image/svg+xml) by their attachment URLs, and the SVGs' scripts, which
would read the live-chat identity secrets and rename the tab, never run."""

import time

import pytest
import requests

from inbox.models import Attachment, Conversation
from tests.channels_whatsapp.fakes import fixture_bytes, graph, sign, wa_inbox  # noqa: F401 - fixtures
from tests.factories import make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>'
    b"window.__pwned = 1; document.title = 'pwned';"
    b"fetch('/livechat/inboxes/').then(r => r.text()).then(t => { window.__secrets = t; });"
    b"</script></svg>"
)


def _log_in(browser, app_url, username):  # noqa: F811
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.wait_for_selector("#conversation-list")
    return context, page


def _stored(pk: int, timeout: float = 10) -> Attachment:
    deadline = time.monotonic() + timeout
    while True:
        attachment = Attachment.objects.filter(pk=pk).first() if pk else Attachment.objects.first()
        if attachment is not None and attachment.status != "pending" or time.monotonic() > deadline:
            return attachment
        time.sleep(0.05)


def _open_as_the_lead(page, url: str) -> dict:
    """Navigate to the file; a download is fine, a rendered document must not run its script."""
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("about:blank")
    try:
        page.goto(url, wait_until="load", timeout=5000)
    except Exception as error:  # noqa: BLE001 - Chromium aborts the navigation when it downloads
        assert "Download is starting" in str(error) or "ERR_ABORTED" in str(error), error
    page.wait_for_timeout(500)  # time for a script to run and its fetch to go out, if it could
    return {
        "title": page.title(),
        "pwned": page.evaluate("() => window.__pwned || null"),
        "secrets_read": any("/livechat/inboxes/" in u for u in requested),
    }


def test_a_lead_opening_an_svg_note_or_a_customers_svg_image_runs_no_script(
    browser,  # noqa: F811
    app_url,  # noqa: F811
    graph,  # noqa: F811
    wa_inbox,  # noqa: F811
):
    agent = make_user("agent-anna", inboxes=[wa_inbox])
    make_user("lead-lotte", role="lead", inboxes=[wa_inbox])

    # A customer's WhatsApp "image" whose Graph type says image/svg+xml.
    graph.media("1001", SVG, mime_type="image/svg+xml")
    body = fixture_bytes("image")
    response = requests.post(
        app_url + wa_inbox.webhook_path,
        data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)},
        timeout=10,
    )
    assert response.status_code == 200
    customers = _stored(0)
    assert customers is not None and customers.status == "stored", customers and customers.error
    conversation = Conversation.objects.get()

    # An agent's private note with the SVG, uploaded from the browser as multipart.
    context, page = _log_in(browser, app_url, agent.username)
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    upload = context.request.post(
        f"{app_url}/inbox/conversations/{conversation.pk}/reply/",
        multipart={
            "private": "1",
            "text": "logo",
            "file": {"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": SVG},
        },
        headers={"X-CSRFToken": token, "Referer": f"{app_url}/"},
    )
    assert upload.status == 200, upload.text()
    context.close()
    note = Attachment.objects.get(message__private=True)

    context, page = _log_in(browser, app_url, "lead-lotte")
    for attachment in (note, customers):
        seen = _open_as_the_lead(page, f"{app_url}/attachments/{attachment.pk}/")
        assert seen == {"title": "", "pwned": None, "secrets_read": False}, (attachment.pk, seen)
        head = context.request.get(f"{app_url}/attachments/{attachment.pk}/")
        assert head.headers["content-security-policy"] == "default-src 'none'; sandbox"
        assert head.headers["content-disposition"].startswith("attachment")
    context.close()
