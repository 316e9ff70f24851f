"""The menu walk shared by the accessibility and language checks.

Pages are found, never listed: every link of the rendered menu, then from each page the first
record it links to (a row of its table) and the pages its buttons open (the "new", "log a
call" and "check in" forms), then those pages' buttons once more. A page is visited once per
URL shape (``/customers/12/`` and ``/customers/13/`` are one page), so a new app's pages are
covered as soon as they are in the menu, and the walk stays short.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js").read_text()
# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
# `<html lang>` of each of Django's language codes: BCP 47, the script subtag capitalised.
HTML_LANG = {"zh-hant": "zh-Hant", "zh-hans": "zh-Hans", "en": "en"}
WIDTHS = (1280, 375)

# Links that are no page to check: files, other tools (the API's Swagger UI, Django's admin),
# and links that act (log out, switch language) rather than show.
# Pages end in "/"; a name with a dot is a file (form1.pdf, letter.labels).
SKIPPED_PATHS = re.compile(
    r"^/(api|admin|static|i18n|accounts/logout)/|[^/]$|/(pdf|xlsx|docx|csv|ics)/$"
)

MENU_LINKS = """() => [...document.querySelectorAll("#mainnav a[href]")]
  .map(a => a.href).filter(href => !href.endsWith("#"))"""
# The first record a page lists, and the pages its buttons open (links styled as buttons in
# <main>, not downloads).
NEXT_LINKS = """() => {
  const main = document.querySelector("main");
  if (!main) return [];
  const links = [];
  const record = main.querySelector("table tbody a[href]:not([download])");
  if (record) links.push(record.href);
  for (const a of main.querySelectorAll("a.btn[href]:not([download])")) links.push(a.href);
  return links.filter(href => !href.endsWith("#"));
}"""


def shape(url: str) -> str:
    """The page a URL shows, whatever record: numbers and tokens become ``N``."""
    path = urlsplit(url).path
    return re.sub(r"/[0-9a-f-]*\d[0-9a-f-]*(?=/|$)", "/N", path)


@dataclass
class Walk:
    """The pages one signed-in person reaches from the menu, in the order they were found.

    `covered` holds the shapes of pages already checked (for another role): their menu pages
    are checked again (the menu and the lists differ by role), deeper pages are not.
    """

    page: Page
    origin: str
    covered: set[str] = field(default_factory=set)
    depth: int = 2

    def _usable(self, url: str) -> bool:
        parts = urlsplit(url)
        here = urlsplit(self.origin)
        return parts.netloc == here.netloc and not SKIPPED_PATHS.search(parts.path)

    def urls(self) -> list[str]:
        """Every page, found from the menu of the current page (My work)."""
        menu = [url for url in self.page.evaluate(MENU_LINKS) if self._usable(url)]
        found: dict[str, str] = {}
        for url in menu:
            found.setdefault(shape(url), url)
        frontier = list(found.values())
        for _level in range(self.depth):
            next_frontier = []
            for url in frontier:
                if not open_page(self.page, url):
                    continue
                for link in self.page.evaluate(NEXT_LINKS):
                    key = shape(link)
                    if self._usable(link) and key not in found and key not in self.covered:
                        found[key] = link
                        next_frontier.append(link)
            frontier = next_frontier
        self.covered.update(found)
        return list(found.values())


def open_page(page: Page, url: str) -> bool:
    """Open `url`; False if it is a file to download rather than a page."""
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in error.message:
            return False
        raise
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    return True


def visit(page: Page, urls: list[str]) -> Iterator[str]:
    """Open each page in turn; yield its URL once it has loaded (files to download are left)."""
    for url in urls:
        if open_page(page, url):
            yield url


# --- accessibility -------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict]:
    """Serious and critical WCAG 2.x A/AA violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') does
        # not apply; the product never serves axe.
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        """async (tags) => {
          const result = await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
          return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html,
                                      summary: n.failureSummary}))}));
        }""",
        AXE_TAGS,
    )
    return [v for v in result if v["impact"] in FAILING_IMPACTS]


def describe_violations(url: str, width: int, language: str, violations: list[dict]) -> list[str]:
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(
                f"{violation['id']} ({violation['impact']}: {violation['help']}) on {url} "
                f"[{language}, {width} px] at {node['target']}: {node['html'][:200]}"
            )
    return lines


def resize(page: Page, width: int) -> None:
    """Give the page another width and wait for it to lay out (and for its resize handlers)."""
    page.set_viewport_size({"width": width, "height": 800})
    # The resize event would come with the next frame; the page's handlers run now instead.
    page.evaluate("() => window.dispatchEvent(new Event('resize'))")


def unfold_menu(page: Page) -> None:
    """On a phone the menu is folded behind its toggler: unfold it (at once, without the
    animation) so that axe checks its links too."""
    page.evaluate("() => document.getElementById('mainnav')?.classList.add('show')")


# --- language --------------------------------------------------------------------------------

# The text a person reads as the software's own words (not the records it lists): headings,
# labels, table headers, buttons, badges, the menu, alerts, options, legends, the title, and
# the placeholder, title and aria-label attributes. Data shown inside them (a customer's name
# in a heading) is either marked translate="no" / lang=… or found among the database's values.
CHROME_TEXT = """() => {
  const pageLang = document.documentElement.lang;
  const chrome = "h1, h2, h3, label, th, button, .badge, nav, .alert, option, legend";
  const exempt = (el) => {
    const marked = el.closest('[translate="no"], [data-i18n-exempt]');
    const langOwner = el.closest("[lang]");
    return marked !== null || (langOwner !== null && langOwner.lang !== pageLang);
  };
  const describe = (el) => el.id ? `${el.tagName.toLowerCase()}#${el.id}`
    : `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string"
        ? "." + el.className.trim().split(/\\s+/).join(".") : ""}`;
  const found = [{where: "title", text: document.title}];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    if (el.closest("script, style, template, noscript")) continue;
    const owner = el.closest(chrome);
    if (!owner || exempt(el)) continue;
    found.push({where: describe(owner), text: node.textContent.trim()});
  }
  for (const el of document.body.querySelectorAll("[placeholder], [title], [aria-label]")) {
    if (exempt(el)) continue;
    for (const name of ["placeholder", "title", "aria-label"]) {
      const value = el.getAttribute(name);
      if (value && value.trim()) found.push({where: `${describe(el)}@${name}`, text: value});
    }
  }
  return found;
}"""

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60]")
# Characters written one way in Traditional and another in Simplified Chinese, as pairs
# (Traditional, Simplified). Only characters that the other script never uses count: 台, 后,
# 里, 于, 干, 面, 只, 周, 注, 准, 范, 划, 据, 并 are ordinary Traditional too, so they are left out.
TRAD_SIMP_PAIRS = (
    "這这們们與与說说話话會会時时間间電电車车門门關关開开務务顧顾問问單单號号記记錄录聯联絡络"
    "戶户為为個个來来對对發发現现無无過过還还進进選选擇择確确認认請请設设檢检導导覽览頁页碼码"
    "帳账變变語语簡简體体輸输儲储刪删編编輯辑舊旧狀状態态類类項项細细節节備备註注計计劃划報报"
    "統统數数據据圖图庫库條条週周歷历區区員员職职權权業业處处辦办續续繼继際际達达傳传給给從从"
    "後后麼么嗎吗讓让應应該该將将當当點点擊击線线級级紀纪維维護护養养產产廠厂價价費费買买賣卖"
    "貨货運运轉转換换輛辆駛驶險险償偿責责質质題题訪访談谈滿满聽听視视覺觉環环場场動动華华訊讯"
    "郵邮錯错誤误驗验證证稱称頭头義义寫写讀读錢钱鐘钟歲岁標标準准範范並并於于臺台裡里麵面乾干"
    "髮发組组織织構构機机優优預预約约訂订決决沒没爲为儀仪滅灭畫画總总結结廢废紗纱負负嚴严實实"
    "積积極极勢势雙双邊边歸归親亲屬属測测試试顯显隱隐層层遞递參参"
)
_PAIRS = [(TRAD_SIMP_PAIRS[i], TRAD_SIMP_PAIRS[i + 1]) for i in range(0, len(TRAD_SIMP_PAIRS), 2)]
_SHARED = set("台后里于干面只周注准范划据并")
TRADITIONAL_ONLY = {t for t, s in _PAIRS if t not in _SHARED}
SIMPLIFIED_ONLY = {s for t, s in _PAIRS if s not in _SHARED}
# English left untranslated: words in a row, the later ones in small letters ("Log a call");
# brand names, codes (DS-3, VIN, PDF) and single words of the data are no sentence.
ENGLISH_WORDS = re.compile(r"\b[A-Za-z][a-z]+(?:\s+[a-z]+)+\b")


def foreign_text(language: str, text: str) -> str:
    """The characters or words of `text` that do not belong on a page in `language`."""
    if language == "en":
        return "".join(CJK.findall(text))
    wrong = TRADITIONAL_ONLY if language == "zh-hans" else SIMPLIFIED_ONLY
    found = [char for char in text if char in wrong]
    found += ENGLISH_WORDS.findall(text)
    return " ".join(found)
