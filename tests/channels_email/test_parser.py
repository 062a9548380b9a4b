"""Parsing real clients' mail: charsets, encodings, quoted history, signatures, files, noise."""

from channels_email.html import html_sanitize, html_to_text
from channels_email.parser import email_parse, message_id_of, subject_key
from channels_email.quotes import text_split

from .conftest import fixture_bytes


def test_gmail_reply_keeps_the_new_text_and_folds_the_wrapped_english_quote_header():
    parsed = email_parse(fixture_bytes("gmail_en_reply.eml"))

    assert parsed.sender.email == "emily.carter@gmail.example" and parsed.sender.name == "Emily Carter"
    assert parsed.reply.startswith("Hi Anna,\n\nThanks — the parcel arrived")
    assert parsed.reply.endswith("Best,\nEmily")
    assert parsed.quoted.startswith("On Mon, 30 Nov 2026 at 10:02, Anna from Acme")
    assert "left our warehouse" in parsed.quoted and "left our warehouse" not in parsed.reply
    assert parsed.in_reply_to == "<webcare.41.8f2c1a9e@acme.test>"


def test_outlook_dutch_latin1_reads_the_euro_sign_keeps_cc_and_folds_the_van_verzonden_block():
    parsed = email_parse(fixture_bytes("outlook_nl_cc_latin1.eml"))

    assert "€ 249,00" in parsed.reply and "Financiële administratie" in parsed.reply
    assert parsed.quoted.startswith("________________________________\nVan: Acme Facturatie")
    assert "In de bijlage" not in parsed.reply
    assert [(a.email, a.name) for a in parsed.cc] == [("s.bakker@bedrijf.example", "Bakker, Sanne")]
    assert "€ 249,00" in parsed.html and "<style" not in parsed.html


def test_apple_mail_german_keeps_the_inline_image_and_splits_schrieb_and_the_iphone_signature():
    parsed = email_parse(fixture_bytes("apple_mail_de_inline_image.eml"))

    assert parsed.subject == "Re: Beschädigte Lieferung"
    assert parsed.reply.endswith("Mit freundlichen Grüßen\nJonas Weber")
    assert "Größe passt übrigens" in parsed.reply
    assert parsed.signature == "Von meinem iPhone gesendet"
    assert parsed.quoted.startswith("> Am 30.11.2026 um 17:20 schrieb Anna von Acme")
    [image] = parsed.parts
    assert (image.filename, image.mime_type, image.inline) == ("IMG_4412.png", "image/png", True)
    assert f'src="cid:{image.content_id}"' in parsed.html


def test_thunderbird_dutch_latin1_plain_text_with_a_pdf_splits_op_schreef():
    parsed = email_parse(fixture_bytes("thunderbird_nl_latin1_attachment.eml"))

    assert parsed.sender.name == "Renée Dubois"
    assert parsed.reply.endswith("Groeten, Renée Dubois")
    assert parsed.quoted.startswith("Op 30-11-2026 om 14:02 schreef Acme Klantenservice:")
    [pdf] = parsed.parts
    assert (pdf.filename, pdf.mime_type, pdf.inline) == ("pakbon 88213.pdf", "application/pdf", False)
    assert not parsed.html


def test_a_forwarded_message_is_content_and_stays_in_view():
    parsed = email_parse(fixture_bytes("gmail_forwarded_de.eml"))

    assert "doppelt abgebucht" in parsed.reply
    assert "Vielen Dank für Ihre Bestellung 55120 über 89,90 €" in parsed.reply
    assert parsed.quoted == ""


def test_html_only_mail_is_sanitised_with_remote_images_blocked_and_read_as_text():
    parsed = email_parse(fixture_bytes("html_only_remote_images.eml"))

    assert parsed.subject == "Vraag over retour 📦"
    assert parsed.reply.startswith("Vraag over retour\n\nIk wil mijn jas retourneren")
    for gone in ("<script", "onload", "javascript:", "<iframe", "track.example", "alert("):
        assert gone not in parsed.html
    assert parsed.remote_images
    assert 'href="https://webshop.example/retour"' in parsed.html


def test_remote_images_come_back_only_when_asked_and_only_over_https():
    html = '<img src="https://cdn.example/logo.png"><img src="http://cdn.example/x.png"><img src="cid:a1">'

    assert "cdn.example" not in html_sanitize(html)
    shown = html_sanitize(html, remote_images=True)
    assert 'src="https://cdn.example/logo.png"' in shown and "http://cdn.example" not in shown
    assert 'src="cid:a1"' in shown


def test_an_out_of_office_reply_is_recognised_as_automatic():
    assert email_parse(fixture_bytes("auto_reply_out_of_office_de.eml")).auto_reply
    assert not email_parse(fixture_bytes("gmail_en_reply.eml")).auto_reply


def test_a_delivery_status_notification_names_our_message_and_the_reason():
    bounce = email_parse(fixture_bytes("bounce_dsn.eml")).bounce

    assert bounce.original_message_id == "<webcare.77.5e6f7a8b@acme.test>"
    assert bounce.status == "5.1.1"
    assert "User unknown" in bounce.reason and bounce.reason.startswith("550 5.1.1")


def test_subject_key_drops_reply_and_forward_prefixes_in_three_languages():
    assert subject_key("AW: Re: WG: Factuur 2026-118") == subject_key("factuur 2026-118") == "factuur 2026-118"
    assert subject_key("Antw: Bestelling") == "bestelling"


def test_mail_without_message_id_gets_a_stable_one():
    raw = b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n"
    assert message_id_of(raw) == message_id_of(raw) and message_id_of(raw).startswith("<sha256.")


def test_quote_splitter_keeps_everything_when_the_whole_mail_looks_quoted():
    assert text_split("> only a quote\n> nothing else").reply == "> only a quote\n> nothing else"


def test_outlook_english_original_message_block_is_folded():
    split = text_split("Please call me.\n\n-----Original Message-----\nFrom: Acme\nSent: Monday\n\nOld text")
    assert (split.reply, split.quoted.splitlines()[0]) == ("Please call me.", "-----Original Message-----")


def test_html_to_text_quotes_blockquotes():
    assert html_to_text("<p>Yes</p><blockquote>old<br>line</blockquote>") == "Yes\n\n> old\n> line"


def test_unknown_charset_is_read_as_latin1_rather_than_lost():
    raw = b"From: a@b.example\r\nContent-Type: text/plain; charset=x-made-up\r\n\r\ncaf\xe9\r\n"
    assert email_parse(raw).reply == "café"
