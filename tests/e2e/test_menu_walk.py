"""Issue 16 and issue 10: every page the menu leads to, for each role that sees pages.

One walk, two checks:

- **Accessibility**: axe-core (WCAG 2.0/2.1/2.2, A and AA) in zh-Hant and English, at 1280 and
  375 px (the phone's menu unfolded); any serious or critical violation fails, naming the rule,
  the element and the page.
- **One language per page**: in zh-Hant, zh-Hans and English, the software's own words
  (headings, labels, headers, buttons, badges, menu, alerts, options, titles, placeholders) are
  in the page's language. Data is exempt: every text the database holds (names, addresses,
  notes, catalogue items) and elements marked ``translate="no"`` or with their own ``lang``;
  so are the standard's Chinese form titles, which every language shows.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from playwright.sync_api import Page

from aftercare.paperwork.documents import FORM_TITLES
from tests.e2e.walk import (
    CHROME_TEXT,
    CJK,
    HTML_LANG,
    WIDTHS,
    Walk,
    axe_violations,
    describe_violations,
    foreign_text,
    resize,
    unfold_menu,
    visit,
)

# Each role that sees pages (demo users, see aftercare.demo): the front desk, the branch's
# supervisor, the organisation's administrator. Deeper pages are checked for the first of
# them that reaches them; every role's menu pages for each.
ROLES = ("advisor1", "supervisor1", "admin")
AXE_LANGUAGES = ("zh-hant", "en")
LANGUAGES = ("zh-hant", "en", "zh-hans")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def data_pattern() -> re.Pattern[str]:
    """Every Chinese text the database holds, as one pattern: names, addresses, notes and
    catalogue items are shown as they were typed, in whatever script."""
    found: set[str] = set(FORM_TITLES.values())
    for model in apps.get_models():
        if not model.__module__.startswith("aftercare."):
            continue
        for column in model._meta.concrete_fields:
            text = isinstance(column, models.CharField | models.TextField) and not column.choices
            if not (text or isinstance(column, models.JSONField)):
                continue
            values = model._default_manager.values_list(column.attname, flat=True).distinct()
            for value in values:
                found.update(s.strip() for s in _strings(value) if CJK.search(s))
    ordered = sorted((s for s in found if s), key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in ordered))


def use_language(page: Page, origin: str, language: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": origin}]
    )


@dataclass
class Findings:
    """What the walk found, kept to the end so one run reports everything."""

    data: re.Pattern[str]
    axe: list[str] = field(default_factory=list)
    rules: Counter[str] = field(default_factory=Counter)
    language: list[str] = field(default_factory=list)

    def check(self, page: Page, origin: str, urls: list[str]) -> None:
        """Open each page in each language; axe in zh-Hant and English at both widths."""
        for language in LANGUAGES:
            use_language(page, origin, language)
            for url in visit(page, urls):
                self._check_language(page, url, language)
                if language in AXE_LANGUAGES:
                    for width in WIDTHS:
                        self._check_axe(page, url, language, width)
                    resize(page, WIDTHS[0])

    def _check_language(self, page: Page, url: str, language: str) -> None:
        lang = page.locator("html").get_attribute("lang")
        if lang != HTML_LANG[language]:
            self.language.append(f"{url} [{language}] <html lang={lang!r}>")
        for item in page.evaluate(CHROME_TEXT):
            wrong = foreign_text(language, self.data.sub(" ", item["text"]))
            if wrong:
                self.language.append(
                    f"{url} [{language}] {item['where']}: {item['text'][:120]!r} → {wrong}"
                )

    def _check_axe(self, page: Page, url: str, language: str, width: int) -> None:
        resize(page, width)
        if width < 768:
            unfold_menu(page)
        violations = axe_violations(page)
        for violation in violations:
            self.rules[violation["id"]] += len(violation["nodes"])
        self.axe += describe_violations(url, width, language, violations)

    def report(self) -> str:
        lines = []
        if self.axe:
            summary = ", ".join(f"{rule}: {count}" for rule, count in self.rules.most_common())
            lines.append(f"{len(self.axe)} serious/critical axe violations ({summary}):")
            lines += self.axe
        if self.language:
            lines.append(f"{len(self.language)} texts in another language than the page's:")
            lines += self.language
        return "\n".join(lines)


def test_every_menu_page_is_accessible_and_in_one_language(page: Page, log_in, live_server):
    findings = Findings(data_pattern())
    # The sign-in form, before anyone is signed in.
    findings.check(page, live_server.url, [live_server.url + "/accounts/login/"])
    covered: set[str] = set()
    walked = []
    for username in ROLES:
        page.context.clear_cookies()  # signed out, language forgotten
        log_in(username)
        urls = Walk(page, live_server.url, covered).urls()
        assert len(urls) > 5, urls
        walked.append(f"{username}: {len(urls)} pages")
        findings.check(page, live_server.url, urls)
    print(*walked, sep="\n")
    report = findings.report()
    assert not report, report
