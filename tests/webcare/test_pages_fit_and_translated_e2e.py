"""Every main page an agent or a team lead uses, in a real Chromium at a desktop (1440x900), a
laptop (1024x768) and a phone (390x844), in English, Dutch and German, over the demo's data: the
page never scrolls sideways, the top bar fits, nothing fails in the browser (script errors,
console errors, anything the Content-Security-Policy blocked), and a Dutch or German page shows
no English text the catalogue translates.

One browser context per size, logged in once; the language is the lead's own setting, changed
between rounds."""

import os
import re
import time
from pathlib import Path

import polib
import pytest
from playwright.sync_api import expect

from demo.data import DEMO_PASSWORD, load_demo
from inbox.models import AgentProfile, Conversation, Inbox, Tag, Team
from tests.browser import LIVE_WAIT_MS
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

LOCALE = Path(__file__).resolve().parents[2] / "locale"
SIZES = [(1440, 900), (1024, 768), (390, 844)]
LANGUAGES = ["en", "nl", "de"]
SHOTS = os.environ.get("WEBCARE_SHOTS", "")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}")
# What the page shows that is not ours to translate: what customers and colleagues wrote (message
# texts, previews, search snippets, canned responses and knowledge articles, names), and the
# language names, which each language shows in its own words.
NOT_OURS = ", ".join(
    [
        ".text",
        ".preview",
        ".snippet",
        ".template-body",
        "#language-select",
        "[data-not-translated]",
    ]
)

# The visible words of the page, each text node and label on its own, skipping NOT_OURS.
PAGE_WORDS = """(notOurs) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, noscript, template") || parent.closest(notOurs)) continue;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (text) found.push(text);
  }
  for (const el of document.body.querySelectorAll("[placeholder], [aria-label], [title], [alt], input[type=submit]")) {
    if (el.closest(notOurs)) continue;
    for (const name of ["placeholder", "aria-label", "title", "alt", "value"]) {
      if (name === "value" && el.type !== "submit") continue;
      const value = (el.getAttribute(name) || "").replace(/\\s+/g, " ").trim();
      if (value) found.push(value);
    }
  }
  return found;
}"""

# Whether the page scrolls sideways, and what of the top bar sticks out of the window.
PAGE_FIT = """() => {
  const width = window.innerWidth;
  const bar = document.querySelector(".topbar");
  const outside = bar ? Array.from(bar.querySelectorAll("a, button, select, summary")).filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 1 || box.left < -1);
  }).map(el => el.textContent.trim() || el.id) : [];
  return {
    scrollWidth: document.scrollingElement.scrollWidth, width: width,
    barOverflow: bar ? bar.scrollWidth > bar.clientWidth + 1 : false, outside: outside,
    wide: Array.from(document.querySelectorAll("body *")).filter(el => el.getBoundingClientRect().right > width + 1
      && !Array.from(el.children).some(child => child.getBoundingClientRect().right > width + 1)).slice(0, 5)
      .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + String(el.className).split(" ")[0]),
  };
}"""


# Words that are right in the language itself: German "Tag" is "day" (the reports' first column).
SAME_WORDS = {"de": {"Tag"}}


def _names() -> set[str]:
    """What people named (inboxes, teams, tags): shown as named, in every language."""
    names = set(Inbox.objects.values_list("name", flat=True))
    names |= set(Team.objects.values_list("name", flat=True)) | set(Tag.objects.values_list("name", flat=True))
    return names


def _catalogue(language: str) -> list[tuple[str, list[str]]]:
    """(English text, the literal pieces of it to look for) for every entry the language
    translates differently: an entry with no translation, or a fuzzy one, shows in English."""
    entries, names = [], _names()
    for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po")):
        if entry.obsolete:
            continue
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            plural = entry.msgstr_plural
            pairs = [(entry.msgid, plural.get(0, "")), (entry.msgid_plural, plural.get(1, ""))]
        for english, translated in pairs:
            english = " ".join(english.split())
            if "fuzzy" not in entry.flags and english == " ".join(translated.split()):
                continue  # the same in this language (a brand, an abbreviation)
            if "<" in english or len(english) < 3 or english in SAME_WORDS.get(language, ()) or english in names:
                continue
            pieces = [p.strip(" .,:;…“”\"'()") for p in PLACEHOLDER.split(english)]
            if len(pieces) > 1:
                pieces = [p for p in pieces if len(p) >= 12 and " " in p]
            pieces = [p for p in pieces if p]
            if pieces:
                entries.append((english, pieces))
    return entries


def _untranslated(words: list[str], catalogue) -> list[str]:
    """The catalogue's English texts the page shows: a one-word text only as a whole label, a
    longer one anywhere in a text."""
    whole = set(words)
    joined = "\n".join(words)
    missing = []
    for english, pieces in catalogue:
        if len(pieces) == 1 and " " not in pieces[0]:
            if pieces[0] in whole or english in whole:
                missing.append(english)
        elif all(piece in joined for piece in pieces):
            missing.append(english)
    return missing


def _pages(app_url, conversation, contact_id) -> list[tuple[str, str]]:  # noqa: F811
    return [
        ("inbox with a conversation", f"{app_url}/?c={conversation}"),
        ("contact", f"{app_url}/contacts/{contact_id}/"),
        ("contacts", f"{app_url}/contacts/"),
        ("search", f"{app_url}/"),
        ("reports", f"{app_url}/reports/"),
        ("quality review", f"{app_url}/reports/quality/"),
        ("settings: inboxes", f"{app_url}/settings/inboxes/"),
        ("settings: people", f"{app_url}/settings/people/agents/"),
        ("settings: tags", f"{app_url}/settings/tags/"),
        ("automation rules", f"{app_url}/automation/rules/"),
        ("profile", f"{app_url}/profile/"),
    ]


def test_every_main_page_fits_every_size_without_errors_or_english_left(app_url, browser):  # noqa: F811
    load_demo()
    conversation = Conversation.objects.filter(status="open").order_by("-last_message_at").first()
    contact = conversation.contact
    search_for = contact.name.split()[0]
    pages = _pages(app_url, conversation.pk, contact.pk)
    catalogues = {language: _catalogue(language) for language in ("nl", "de")}
    problems: list[str] = []
    visited, started = 0, time.monotonic()
    for width, height in SIZES:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(f"script error: {error}"))
        page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(f"console: {m.text}"))
        page.goto(f"{app_url}/accounts/login/")
        page.fill("#id_username", "lea")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#conversation-list")
        try:
            for language in LANGUAGES:
                AgentProfile.objects.filter(user__username="lea").update(language=language)
                for name, url in pages:
                    where = f"{width}x{height} {language} {name}"
                    errors.clear()
                    response = page.goto(url)
                    visited += 1
                    if response is None or response.status != 200:
                        problems.append(f"{where}: HTTP {response and response.status}")
                        continue
                    assert page.get_attribute("html", "lang") == language, where
                    if name == "search":
                        page.fill('[data-testid="search-input"]', search_for)
                        expect(page.locator("#search-results a").first).to_be_attached(timeout=LIVE_WAIT_MS)
                    page.wait_for_load_state("networkidle")
                    if SHOTS:  # to look at them: WEBCARE_SHOTS=/some/dir
                        page.screenshot(
                            path=f"{SHOTS}/{width}-{language}-{name.replace(' ', '-').replace(':', '')}.png"
                        )
                    fit = page.evaluate(PAGE_FIT)
                    if fit["scrollWidth"] > fit["width"] + 1:
                        problems.append(
                            f"{where}: scrolls sideways ({fit['scrollWidth']} > {fit['width']}) {fit['wide']}"
                        )
                    if fit["barOverflow"] or fit["outside"]:
                        problems.append(f"{where}: top bar does not fit {fit['outside']}")
                    problems.extend(f"{where}: {error}" for error in errors)
                    if language != "en":
                        words = page.evaluate(PAGE_WORDS, NOT_OURS)
                        for english in _untranslated(words, catalogues[language]):
                            problems.append(f"{where}: English left: {english!r}")
        finally:
            context.close()
    elapsed = time.monotonic() - started
    print(f"\n{visited} pages checked in {elapsed:.0f} s ({elapsed / max(visited, 1):.2f} s a page)")
    if problems:
        pytest.fail(f"{len(problems)} problems:\n" + "\n".join(problems), pytrace=False)
