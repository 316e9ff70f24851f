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
        for field in model._meta.concrete_fields:
            text = isinstance(field, models.CharField | models.TextField) and not field.choices
            if not (text or isinstance(field, models.JSONField)):
                continue
            for value in model._default_manager.values_list(field.attname, flat=True).distinct():
                found.update(s.strip() for s in _strings(value) if CJK.search(s))
    ordered = sorted((s for s in found if s), key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in ordered))


def use_language(page: Page, origin: str, language: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": origin}]
    )


def log_out(page: Page) -> None:
    page.context.clear_cookies()


def test_every_menu_page_is_accessible_and_in_one_language(page: Page, log_in, live_server):
    data = data_pattern()
    covered: set[str] = set()
    axe_problems: list[str] = []
    rules: Counter[str] = Counter()
    language_problems: list[str] = []
    walked = []
    for username in ROLES:
        log_out(page)
        log_in(username)
        urls = Walk(page, live_server.url, covered).urls()
        assert len(urls) > 5, urls
        walked.append(f"{username}: {len(urls)} pages")
        for language in LANGUAGES:
            use_language(page, live_server.url, language)
            for url in visit(page, urls):
                lang = page.locator("html").get_attribute("lang")
                if lang != HTML_LANG[language]:
                    language_problems.append(f"{url} [{language}] <html lang={lang!r}>")
                for item in page.evaluate(CHROME_TEXT):
                    wrong = foreign_text(language, data.sub(" ", item["text"]))
                    if wrong:
                        language_problems.append(
                            f"{url} [{language}] {item['where']}: {item['text'][:120]!r} → {wrong}"
                        )
                if language not in AXE_LANGUAGES:
                    continue
                for width in WIDTHS:
                    resize(page, width)
                    if width < 768:
                        unfold_menu(page)
                    violations = axe_violations(page)
                    for violation in violations:
                        rules[violation["id"]] += len(violation["nodes"])
                    axe_problems += describe_violations(url, width, language, violations)
                resize(page, WIDTHS[0])
    report = []
    if axe_problems:
        summary = ", ".join(f"{rule}: {count}" for rule, count in rules.most_common())
        report.append(f"{len(axe_problems)} serious/critical axe violations ({summary}):")
        report += axe_problems
    if language_problems:
        report.append(f"{len(language_problems)} texts in another language than the page's:")
        report += language_problems
    print(*walked, sep="\n")
    assert not report, "\n".join(report)
