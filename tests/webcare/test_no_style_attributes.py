"""Every page is served with `style-src 'self'`: the browser drops a `style="..."` attribute (and
reports it as an error), so whatever it was meant to do silently does not happen, such as the
frame an agent reads an HTML email in keeping its default 300x150 pixels. Styles live in the
stylesheets."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S)


def test_no_template_of_ours_carries_a_style_attribute():
    found = []
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    for template in sorted(set(templates)):
        text = template.read_text(encoding="utf-8")
        found += [f"{template.relative_to(ROOT)}: {m.group(0)[:80]}" for m in STYLE_ATTRIBUTE.finditer(text)]
    assert found == []
