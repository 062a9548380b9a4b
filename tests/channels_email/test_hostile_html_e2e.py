# ruff: noqa: F811 - the browser fixtures are imported by name
"""A hostile HTML email in a real headless Chromium: the agent opens the original email (the
sandboxed frame) and then asks for its images. Nothing in it may run script, reach another
server (a tracker records every request), submit, navigate us, or show a file of ours."""

import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from inbox.models import Message
from tests.browser import wait_longer_for_live_updates
from tests.factories import make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

from .helpers import deliver

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


@pytest.fixture
def tracker():
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"tracked")

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def _hostile(t: str) -> str:
    return f"""<html><head><base href="{t}/base/"><meta http-equiv="refresh" content="0;url={t}/refresh">
<link rel="stylesheet" href="{t}/link-css"><style>@import url({t}/import); body{{background:url({t}/style-bg)}}</style>
<script>fetch("{t}/script")</script></head><body onload="fetch('{t}/onload')">
<p id="words">Visible words</p>
<img src="{t}/img-http"><img src="relative.png"><img src="/attachments/1/"><img srcset="{t}/srcset 2x">
<img src="x" onerror="fetch('{t}/onerror')"><img src="cid:missing" onerror="fetch('{t}/cid-onerror')">
<div style="background-image:u\\72l({t}/css-escaped)">escaped</div>
<div style="background:url({t}/css-plain)">plain</div>
<div style='background-image:image-set("{t}/image-set" 1x)'>set</div>
<svg><image href="{t}/svg-image"/><script>fetch("{t}/svg-script")</script></svg>
<math><mi xlink:href="{t}/math">m</mi></math>
<iframe src="{t}/iframe"></iframe><object data="{t}/object"></object><embed src="{t}/embed">
<video poster="{t}/poster"></video><audio src="{t}/audio"></audio>
<table background="{t}/table-bg"><tr><td>cell</td></tr></table>
<form action="{t}/form" method="post"><input name="q" value="v"><button id="submit">Send</button></form>
<a id="js" href="javascript:fetch('{t}/js-link')">js link</a>
<a id="data" href="data:text/html,<script>fetch('{t}/data-link')</script>">data link</a>
<noscript><img src="{t}/noscript"></noscript>
</body></html>"""


def test_a_hostile_html_email_runs_nothing_and_fetches_nothing_until_asked_and_never_script(
    app_url, browser, email_inbox, tracker
):
    wait_longer_for_live_updates()
    url, hits = tracker
    email = EmailMessage()
    email["From"] = "Mallory <mallory@example.net>"
    email["To"] = "support@acme.test"
    email["Subject"] = "Your invoice"
    email["Message-ID"] = "<hostile@example.net>"
    email.set_content("Visible words")
    email.add_alternative(_hostile(url), subtype="html")
    deliver(email_inbox, email.as_bytes())
    message = Message.objects.get()
    make_user("anna", inboxes=[email_inbox])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"{app_url}/accounts/login/")
        page.fill("#id_username", "anna")
        page.fill("#id_password", "pw-secret-123")
        page.click("button[type=submit]")
        page.goto(f"{app_url}/?c={message.conversation_id}")
        page.get_by_test_id("email-original").locator("summary").click()
        frame = page.frame_locator("iframe[title='Original email']")
        expect(frame.get_by_text("Visible words")).to_be_visible()
        expect(frame.locator("table")).to_contain_text("cell")
        page.wait_for_load_state("load")
        for name in ("js link", "data link"):
            frame.get_by_text(name).click()
        assert frame.locator("form, iframe, object, embed, script, svg, input").count() == 0

        with context.expect_page() as opened:
            page.get_by_test_id("email-load-images").click()
        with_images = opened.value
        expect(with_images.get_by_text("Visible words")).to_be_visible()
        with_images.wait_for_load_state("load")
        # An answer made after the last request: everything the pages asked for has arrived.
        page.evaluate("fetch('/accounts/login/')")
        assert hits == [], hits
        assert dialogs == []
        assert page.url.startswith(app_url)
    finally:
        context.close()
