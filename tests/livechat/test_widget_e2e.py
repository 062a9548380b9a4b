"""The widget in a real headless Chromium, on a host page of another origin.

The app runs in-process under uvicorn (HTTP and websockets, the real ASGI application) on a
free port against the test database; the host page is served from a second port, so the
widget is cross-origin exactly as on a customer's website. Agents act through the REST API.
"""

import http.server
import os
import socket
import threading
import time

import pytest
import requests

from inbox.models import Availability, Conversation, Message
from tests.browser import LIVE_WAIT_MS
from tests.factories import make_inbox, make_token, make_user

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

XSS = '<img src=x onerror="window.__xss=1">'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(settings):
    """The real ASGI application under uvicorn in a thread."""
    import uvicorn
    from django.core.asgi import get_asgi_application

    from webcare import asgi

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings.PUBLIC_URL = url
    settings.SECURE_SSL_REDIRECT = False  # plain HTTP on localhost
    from channels.routing import ProtocolTypeRouter

    application = ProtocolTypeRouter(
        {"http": get_asgi_application(), "websocket": asgi.protocols.application_mapping["websocket"]}
    )
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield url
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def host_site():
    """Another origin whose page embeds the snippet: (origin, set_snippet)."""
    page = {"html": ""}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = page["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"

    def embed(snippet: str, head: str = "") -> str:
        page["html"] = (
            "<!doctype html><html><head><title>Host shop</title>"
            "<style>*{font-family:serif!important;color:red!important} button{display:none!important}</style>"
            f"{head}</head><body><h1>Host shop</h1>{snippet}</body></html>"
        )
        return origin + "/"

    yield origin, embed
    server.shutdown()


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker):
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    # Playwright's sync API keeps an event loop in this thread; Django would then refuse the
    # test's own (synchronous, safe) ORM calls and the database flush between tests.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def livechat(app_url, host_site):
    from livechat.snippet import snippet_for

    origin, embed = host_site
    inbox = make_inbox(
        "livechat",
        name="Demo shop",
        config={"allowed_origins": [origin], "greeting": {"en": "Hi! Ask us anything.", "nl": "Hoi! Vraag maar."}},
    )
    agent = make_user("anna", inboxes=[inbox])
    agent.first_name = "Anna"
    agent.save()
    agent.agent_profile.availability = Availability.ONLINE
    agent.agent_profile.save()
    return {"inbox": inbox, "url": embed(snippet_for(inbox)), "app": app_url, "token": make_token(agent)}


def _wait(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def _agent_reply(livechat, conversation_id: int, text: str):
    response = requests.post(
        f"{livechat['app']}/api/v1/conversations/{conversation_id}/messages/",
        json={"text": text},
        headers={"Authorization": f"Token {livechat['token']}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text


def _messages(page):
    return page.get_by_test_id("webcare-message")


def test_visitor_chats_with_an_agent_across_reload_and_a_second_tab(browser, livechat):
    from playwright.sync_api import expect

    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(livechat["url"])
    launcher = page.get_by_test_id("webcare-launcher")
    expect(launcher).to_have_attribute("aria-label", "Open chat")
    # Before the visitor opens the chat: no socket, nothing stored.
    page.wait_for_timeout(300)
    assert sockets == []
    assert page.evaluate("localStorage.length") == 0 and page.evaluate("document.cookie") == ""

    launcher.click()
    page.get_by_test_id("webcare-input").fill(f"{XSS} Where is my order? https://example.com/track")
    page.get_by_test_id("webcare-send").click()
    mine = _messages(page).and_(page.locator("[data-direction=in]"))
    expect(mine).to_have_count(1)
    expect(mine.first).not_to_contain_text("Sending")
    assert len(sockets) == 1 and "/ws/livechat/" in sockets[0]
    assert page.evaluate("localStorage.length") > 0

    # Rendered as text: the markup is visible, no element was created, nothing ran.
    expect(mine.first).to_contain_text(XSS)
    assert mine.first.locator("img").count() == 0 and page.evaluate("window.__xss") is None
    link = mine.first.locator("a")
    expect(link).to_have_attribute("href", "https://example.com/track")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")

    conversation = _wait(lambda: Conversation.objects.filter(inbox=livechat["inbox"]).first())
    assert Message.objects.get(direction="in").text.startswith(XSS)

    _agent_reply(livechat, conversation.pk, "Hi, Anna here. It ships today!")
    reply = _messages(page).and_(page.locator("[data-direction=out]"))
    expect(reply).to_have_count(1)
    expect(reply.first).to_contain_text("It ships today!")
    expect(reply.first).to_contain_text("Anna")
    expect(mine.first).to_contain_text("Seen")

    # Reload: the history is still there (the chat stays open across pages).
    page.reload()
    expect(_messages(page)).to_have_count(2)
    expect(_messages(page).nth(0)).to_contain_text("Where is my order?")
    expect(_messages(page).nth(1)).to_contain_text("It ships today!")

    # A second tab shares the session and sees new messages live, from both sides.
    tab2 = context.new_page()
    tab2.goto(livechat["url"])
    expect(_messages(tab2)).to_have_count(2)
    page.get_by_test_id("webcare-input").fill("One more question")
    page.get_by_test_id("webcare-input").press("Enter")
    expect(_messages(tab2)).to_have_count(3)
    expect(_messages(tab2).nth(2)).to_contain_text("One more question")
    _agent_reply(livechat, conversation.pk, "Ask away")
    expect(_messages(tab2)).to_have_count(4)
    expect(_messages(page)).to_have_count(4)
    assert Message.objects.filter(direction="in").count() == 2
    context.close()


def test_a_message_lost_in_flight_is_resent_after_reconnect_and_stored_once(browser, livechat):
    from playwright.sync_api import expect

    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    # Record the widget's sockets so the test can break the connection.
    page.add_init_script(
        "(() => { const Native = window.WebSocket; window.__sockets = [];"
        " window.WebSocket = function (url, protocols) { const s = new Native(url, protocols);"
        " window.__sockets.push(s); return s; };"
        " window.WebSocket.prototype = Native.prototype; window.WebSocket.OPEN = 1; })()"
    )
    page.goto(livechat["url"])
    launcher = page.get_by_test_id("webcare-launcher")
    expect(launcher).to_have_attribute("aria-label", "Chat openen")  # the visitor's language
    launcher.press("Enter")  # keyboard only
    input_box = page.get_by_test_id("webcare-input")
    expect(input_box).to_be_focused()
    expect(page.get_by_text("Hoi! Vraag maar.")).to_be_visible()
    page.wait_for_function("window.__sockets.length === 1 && window.__sockets[0].readyState === 1")
    page.wait_for_timeout(200)  # the session frame
    # The frame never reaches the server; then the connection drops.
    page.evaluate("window.__sockets[0].send = () => {}")
    input_box.fill("Komt dit aan?")
    input_box.press("Enter")
    mine = _messages(page).and_(page.locator("[data-direction=in]"))
    expect(mine.first).to_contain_text("Versturen")
    page.evaluate("window.__sockets[0].close()")
    expect(mine.first).not_to_contain_text("Versturen", timeout=LIVE_WAIT_MS)
    _wait(lambda: Message.objects.filter(direction="in").exists())
    page.reload()
    expect(_messages(page)).to_have_count(1)
    assert Message.objects.filter(direction="in").count() == 1
    context.close()
