"""Dutch and German are complete: every entry of the catalogues is translated (no empty or
fuzzy entries), the compiled .mo files match the .po sources, and the inbox renders in both."""

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
ENTRY = re.compile(
    r'^(#, .*\n)?(?:#.*\n)*(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)(?:msgid_plural ((?:".*"\n)+))?'
    r'((?:msgstr.*\n(?:".*"\n)*)+)',
    re.M,
)


def _text(quoted: str) -> str:
    joined = "".join(line[1:-1] for line in quoted.strip().splitlines())
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), joined)


def _entries(language: str):
    source = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    source = "\n".join(line for line in source.splitlines() if not line.startswith("#~")) + "\n"
    for match in ENTRY.finditer(source):
        flags, context, msgid, plural, msgstrs = match.groups()
        msgid = _text(msgid)
        if not msgid:
            continue  # the header
        translations = [_text(part) for part in re.split(r"^msgstr(?:\[\d\])? ", msgstrs, flags=re.M)[1:]]
        yield (_text(context) if context else None), msgid, bool(plural), translations, "fuzzy" in (flags or "")


@pytest.mark.smoke
@pytest.mark.parametrize("language", ["nl", "de"])
def test_every_string_is_translated_and_compiled(language):
    entries = list(_entries(language))
    assert len(entries) > 170
    untranslated = [msgid for _, msgid, _, translations, fuzzy in entries if fuzzy or not all(translations)]
    assert untranslated == []
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for context, msgid, plural, translations, _ in entries
        if not plural
        and (catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)) != translations[0]
    ]
    assert stale == [], "run: manage.py compilemessages"


@pytest.mark.smoke
@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, words",
    [("nl", ["Aan mij toewijzen", "Afhandelen", "Sneltoetsen"]), ("de", ["Mir zuweisen", "Erledigen", "Tastenkürzel"])],
)
def test_the_inbox_speaks_dutch_and_german(client, language, words):
    from inbox.ingest import message_ingest
    from tests.factories import inbound, make_inbox, make_user

    inbox = make_inbox("livechat")
    client.force_login(make_user("anna", inboxes=[inbox]))
    conversation = message_ingest(inbox=inbox, inbound=inbound("m1", sender_id="v1")).message.conversation
    page = client.get(f"/?c={conversation.pk}", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for word in words:
        assert word in page
