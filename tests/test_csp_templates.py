"""No template relies on what the Content-Security-Policy refuses.

The browser tests prove the pages they visit work under the policy; this reads every template,
so a page no browser test visits cannot bring back an inline script, an event handler, a
style attribute or an un-nonced style element.
"""

import re
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "aftercare"
TEMPLATES = sorted(p for p in SOURCE.rglob("*.html") if "static" not in p.parts)

FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on attribute": re.compile(r"\shx-on", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "style element without the nonce": re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_are_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_template_needs_no_inline_code(template):
    text = template.read_text(encoding="utf-8")
    found = [
        f"{what}: {match.group(0)!r}"
        for what, pattern in FORBIDDEN.items()
        for match in pattern.finditer(text)
    ]
    assert found == []
