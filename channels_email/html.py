"""An email's HTML, made safe to show and turned into text.

Mail HTML is written by strangers: it is sanitised with nh3 (the Ammonia sanitiser) before it is
ever rendered, so no script, event handler, form or frame survives. Remote images are tracking
pixels as often as pictures: they are dropped unless the agent asks for them (`remote_images`);
inline `cid:` images point at the email's own parts and are always kept (the view swaps them
for our attachment URLs). The page is shown in a sandboxed frame with its own Content Security
Policy as a second line (see `views.email_html`).
"""

import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "code", "col", "colgroup", "dd", "del", "div", "dl",
    "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li", "ol", "p", "pre", "q",
    "s", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"align", "dir", "lang", "title", "style", "class", "width", "height", "valign", "bgcolor", "color"},
    "a": {"href"},
    "img": {"src", "alt", "border"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "font": {"face", "size"},
    "table": {"border", "cellpadding", "cellspacing"},
    "blockquote": {"type", "cite"},
}
URL_SCHEMES = {"http", "https", "mailto", "cid"}
BLOCKED_IMAGE = "data:,"  # an empty image: the layout keeps its box, nothing is fetched
# CSS that fetches or runs something; checked after CSS escapes are undone (`u\72l(` is `url(`).
_CSS_FETCHES = re.compile(r"url\s*\(|image-set|image\s*\(|cross-fade|src\s*\(|element\s*\(|expression|@import", re.I)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.S)


def _css_unescaped(value: str) -> str:
    def one(match: re.Match) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match.group(2)

    return _CSS_ESCAPE.sub(one, value.replace("\x00", ""))


def html_sanitize(html: str, *, remote_images: bool = False) -> str:
    """The HTML with only passive markup left: no scripts, handlers, frames, forms, or (unless
    `remote_images`) images from the internet. Links open outside, without a referrer."""

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            if value.lower().startswith("cid:"):
                return value
            return value if remote_images and value.lower().startswith("https://") else BLOCKED_IMAGE
        if attribute == "style" and _CSS_FETCHES.search(_css_unescaped(value)):
            return None  # background images are remote images too
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=attribute_filter,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def has_remote_images(html: str) -> bool:
    return bool(re.search(r"<img\b[^>]*\bsrc\s*=\s*[\"']?\s*https?://", html, re.I)) or bool(
        re.search(r"url\s*\(\s*[\"']?https?://", html, re.I)
    )


_BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr", "pre"}
_SKIP = {"style", "script", "head", "title"}


class _TextMaker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skipping = 0
        self.quote_depth = 0

    def _newline(self) -> None:
        if self.lines[-1].strip() or (len(self.lines) > 1 and self.lines[-2].strip()):
            self.lines.append("")

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "blockquote":
            self._newline()
            self.quote_depth += 1
        elif tag in _BLOCK:
            self._newline()
            if tag == "li":
                self.lines[-1] += "- "

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag == "blockquote":
            self.quote_depth = max(self.quote_depth - 1, 0)
            self._newline()
        elif tag in _BLOCK and tag != "br":
            self._newline()

    def handle_data(self, data):
        if self.skipping:
            return
        text = re.sub(r"[ \t\r\n\xa0]+", " ", data)
        if not text.strip() and not self.lines[-1]:
            return
        if not self.lines[-1] and self.quote_depth:
            self.lines[-1] = "> " * self.quote_depth
        self.lines[-1] += text.lstrip() if self.lines[-1].endswith((" ", "> ")) or not self.lines[-1] else text


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML body (for previews, search and the quote splitter);
    blockquotes become `> ` lines as a mail client would quote them."""
    maker = _TextMaker()
    maker.feed(html or "")
    maker.close()
    text = "\n".join(line.rstrip() for line in maker.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
