"""Splitting what a customer wrote from the history they quoted and their signature.

Mail clients quote the conversation under a header line in the writer's language ("On ...
wrote:", "Op ... schreef ...:", "Am ... schrieb ...:") or under Outlook's block ("-----Original
Message-----", or a rule followed by From:/Van:/Von: and Sent:/Verzonden:/Gesendet:). Everything
from there on is the quoted history, kept and shown folded. A signature starts at the standard
"-- " line or a phone client's "Sent from my iPhone". A forwarded message is content, not
history: it is never split off.
"""

import re
from dataclasses import dataclass

_HEADERS = [
    re.compile(r"^\s*On\b.{4,300}\bwrote:\s*$", re.I),
    re.compile(r"^\s*Op\b.{4,300}\bschreef\b.{0,200}:\s*$", re.I),
    re.compile(r"^\s*Am\b.{4,300}\bschrieb\b.{0,200}:\s*$", re.I),
    re.compile(r"^\s*Le\b.{4,300}\ba écrit\s*:\s*$", re.I),
    re.compile(
        r"^\s*-{2,}\s*(Original Message|Oorspronkelijk bericht|Origineel bericht|Ursprüngliche Nachricht)\s*-{2,}\s*$",
        re.I,
    ),
]  # fmt: skip
_OUTLOOK_FROM = re.compile(r"^\s*\*?(From|Van|Von)\s*:\*?\s", re.I)
_OUTLOOK_SENT = re.compile(r"^\s*\*?(Sent|Date|Verzonden|Datum|Gesendet)\s*:\*?\s", re.I)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_FORWARD = re.compile(
    r"^\s*(-+\s*(Forwarded message|Doorgestuurd bericht|Weitergeleitete Nachricht)\s*-+|Begin forwarded message:"
    r"|Begin doorgestuurd bericht:|Anfang der weitergeleiteten Nachricht:)\s*$",
    re.I,
)
_SIGNATURE = [
    re.compile(r"^-- ?$"),
    re.compile(
        r"^\s*(Sent from my|Verstuurd vanaf mijn|Verzonden vanaf mijn|Von meinem|Gesendet von meinem)\b.{0,60}$", re.I
    ),
    re.compile(r"^\s*(Get|Download) Outlook for (iOS|Android)\s*$", re.I),
]  # fmt: skip


@dataclass(frozen=True)
class SplitText:
    reply: str  # what they wrote now
    quoted: str = ""  # the history they quoted, from its header line on
    signature: str = ""


def text_split(text: str) -> SplitText:
    """Split a plain-text body into the new reply, the quoted history and the signature."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    cut = _quote_start(lines)
    body, quoted = lines[:cut], lines[cut:]
    sig = _signature_start(body)
    reply_lines, signature = body[:sig], body[sig:]
    reply = "\n".join(reply_lines).strip()
    if not reply and quoted:
        # Everything was "quoted" (a top line we misread): show it all rather than nothing.
        return SplitText(reply="\n".join(lines).strip())
    return SplitText(reply=reply, quoted="\n".join(quoted).strip(), signature="\n".join(signature).strip())


def _quote_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _FORWARD.match(line):
            return len(lines)  # a forward is content; anything it quotes belongs to it
        if any(header.match(line) for header in _HEADERS):
            return index
        # Clients wrap long header lines: "On Mon, 1 Dec 2026 at 10:00, Anna <anna@x.nl>" / "wrote:".
        if index + 1 < len(lines) and re.match(r"^\s*(On|Op|Am)\s", line, re.I):
            joined = line.rstrip() + " " + lines[index + 1].strip()
            if any(header.match(joined) for header in _HEADERS[:3]):
                return index
        if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_SENT.match(other) for other in lines[index + 1 : index + 4]):
            return index - 1 if index and _RULE.match(lines[index - 1]) else index
        if line.startswith(">") and all(not rest.strip() or rest.startswith(">") for rest in lines[index:]):
            return index  # a bottom block of quoted lines without a header
    return len(lines)


def _signature_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if index and any(pattern.match(line) for pattern in _SIGNATURE):
            return index
    return len(lines)
