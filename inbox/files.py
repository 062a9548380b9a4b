"""What a stored file is and how it may be served, decided from its bytes.

Every file in Webcare comes from someone else: an agent's browser, a visitor's widget, a
customer's phone through Meta. The type they claim (the browser's Content-Type, Graph's
`mime_type`, the CDN's header) is not evidence: an SVG or an HTML page with a script that is
served inline from our origin runs with the session of whoever opens it. So:

- `sniff` recognises the passive formats we show (raster images, audio, video, PDF) and the
  common document containers by their magic bytes, and markup (SVG, HTML, XML) as active;
- `stored_type` is the type to store: the sniffed one (or the claim when it names the same
  format, to keep details such as `codecs=opus`), a document's claim only when the bytes fit
  it, and `application/octet-stream` for anything else;
- `attachment_response` serves a stored file: inline only when its bytes are one of
  `INLINE_TYPES` (checked again when serving, so a row that holds whatever type a sender claimed is safe too),
  else as a download, always sandboxed and with `nosniff`;
- `safe_filename` turns any claimed name into one plain file name.
"""

import os
import re
import unicodedata

from django.http import FileResponse

from kernel.file_headers import file_headers

OCTET_STREAM = "application/octet-stream"
# Enough for every signature below (the Ogg codec header and the WebM doctype sit a little
# further in than the first bytes).
SNIFF_BYTES = 512

# Formats browsers show without running anything of ours: the only ones served inline.
INLINE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/bmp",
        "audio/mpeg",
        "audio/aac",
        "audio/mp4",
        "audio/ogg",
        "audio/wav",
        "audio/webm",
        "audio/flac",
        "audio/amr",
        "video/mp4",
        "video/3gpp",
        "video/ogg",
        "video/webm",
        "application/pdf",
    }
)
# Markup a browser would run scripts in if it rendered it (recognised, never stored as such).
ACTIVE_TYPES = frozenset({"image/svg+xml", "text/html", "application/xml"})

# Claimed types that name the same format as a sniffed one (same container): the claim is
# kept, it is often more precise (audio/mp4 for an M4A voice note, codecs=opus).
_FAMILIES = {
    "iso": ("video/mp4", "audio/mp4", "audio/x-m4a", "audio/m4a", "video/3gpp", "audio/3gpp", "video/3gpp2"),
    "ogg": ("audio/ogg", "video/ogg", "application/ogg", "audio/opus"),
    "mpeg": ("audio/mpeg", "audio/mp3"),
    "aac": ("audio/aac", "audio/aacp", "audio/x-aac"),
    "amr": ("audio/amr", "audio/amr-wb"),
    "wav": ("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"),
    "webm": ("video/webm", "audio/webm"),
    "jpeg": ("image/jpeg", "image/jpg", "image/pjpeg"),
    "bmp": ("image/bmp", "image/x-bmp", "image/x-ms-bmp"),
    "zip": (
        "application/zip",
        "application/x-zip-compressed",
        "application/epub+zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    ),
    "ole": (
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.ms-outlook",
    ),
    "text": ("text/plain", "text/csv"),
}
_FAMILY_OF = {mime: family for family, types in _FAMILIES.items() for mime in types}
# Served as themselves (as a download); anything else downloads as application/octet-stream.
DOWNLOAD_TYPES = frozenset({*INLINE_TYPES, *_FAMILY_OF, "application/rtf", "audio/flac", "image/heic"})

_MARKUP_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<", re.S)
_HTML_TAGS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<!--", b"<a ", b"<div")
_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$")
_PARAMETER = re.compile(r"^[a-z0-9_.-]{1,32}=[a-z0-9_.,\"-]{1,64}$")


def sniff(head: bytes) -> str:
    """The format of a file from its first bytes (`SNIFF_BYTES` are enough): a passive media
    or document type, one of `ACTIVE_TYPES` for markup, else application/octet-stream."""
    for check in (_image, _audio_video, _document):
        found = check(head)
        if found:
            return found
    if _MARKUP_START.match(head[:SNIFF_BYTES]):
        lowered = head[:SNIFF_BYTES].lower()
        if b"<svg" in lowered:
            return "image/svg+xml"
        if any(tag in lowered for tag in _HTML_TAGS):
            return "text/html"
        return "application/xml"
    return OCTET_STREAM


def _image(head: bytes) -> str:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:2] == b"BM" and len(head) >= 18 and int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 108, 124):
        return "image/bmp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    return ""


def _audio_video(head: bytes) -> str:
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B ", b"M4P "):
            return "audio/mp4"
        if brand.startswith(b"3g"):
            return "video/3gpp"
        return "video/mp4"
    if head.startswith(b"OggS"):
        return "video/ogg" if b"\x80theora" in head[:SNIFF_BYTES] else "audio/ogg"
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        # Frame sync: layer bits 00 is an AAC (ADTS) frame, the others MPEG audio (MP3).
        return "audio/aac" if head[1] & 0x06 == 0 else "audio/mpeg"
    if head.startswith((b"#!AMR\n", b"#!AMR-WB\n")):
        return "audio/amr"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if b"webm" in head[:64] else OCTET_STREAM
    return ""


def _document(head: bytes) -> str:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"  # an OLE container: Word, Excel and PowerPoint of old
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    return ""


def stored_type(head: bytes, claimed: str = "") -> str:
    """The type to store for a file starting with `head` that someone said is `claimed`."""
    sniffed = sniff(head)
    claim, base = _clean_type(claimed)
    if sniffed in ACTIVE_TYPES:
        return OCTET_STREAM
    if sniffed == OCTET_STREAM:
        # Plain text has no signature: believe the claim only for text that is not markup.
        if _FAMILY_OF.get(base) == "text" and _is_text(head):
            return claim
        return OCTET_STREAM
    if base and _FAMILY_OF.get(base, base) == _FAMILY_OF.get(sniffed, sniffed):
        return claim
    return sniffed


def _clean_type(claimed: str) -> tuple[str, str]:
    """(the claim as stored, its base type), or ("", "") when it is not a plain media type."""
    base, *parameters = [part.strip() for part in (claimed or "").lower().split(";")]
    if not _TYPE.match(base):
        return "", ""
    kept = [p.replace(" ", "") for p in parameters if _PARAMETER.match(p.replace(" ", ""))]
    return "; ".join([base, *kept])[:128], base


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # a character cut off at the end of the sample is fine
            return False
    return True


def file_head(file) -> bytes:
    """The first bytes of an uploaded or stored file, leaving it at the start."""
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    return head or b""


def attachment_response(attachment) -> FileResponse:
    """Serve a stored attachment: inline only when its bytes are a passive format (whatever type
    was stored for it), else as a download; sandboxed either way."""
    handle = attachment.file.open("rb")
    head = file_head(handle)
    sniffed = sniff(head)
    stored, stored_base = _clean_type(attachment.mime_type)
    inline = sniffed in INLINE_TYPES
    if inline:
        same_format = stored_base in INLINE_TYPES and _FAMILY_OF.get(stored_base) == _FAMILY_OF.get(sniffed, "")
        content_type = stored if same_format else sniffed
    else:
        content_type = stored if stored_base in DOWNLOAD_TYPES and sniffed not in ACTIVE_TYPES else OCTET_STREAM
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=safe_filename(attachment.filename or os.path.basename(attachment.file.name)),
        content_type=content_type,
    )
    return file_headers(response)


MAX_FILENAME = 120


def safe_filename(name: str, *, fallback: str = "file") -> str:
    """One plain file name from whatever a platform or browser called it: the last path part
    only (no directories, `..` or drive letters), no control or format characters, not hidden,
    at most `MAX_FILENAME` characters with its extension kept; `fallback` when nothing is left."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_FILENAME:
        stem, extension = os.path.splitext(name)
        extension = extension if len(extension) <= 16 else ""
        name = stem[: MAX_FILENAME - len(extension)].rstrip(" .") + extension
    return name or fallback
