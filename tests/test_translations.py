"""The shipped translations are complete, well-formed and compiled.

Standard library only: gettext is not needed at test time. `make messages` refreshes the .po
files from the source (makemessages) and recompiles the .mo files (compilemessages).
"""

import gettext
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parents[1] / "src" / "aftercare" / "locale"
LANGUAGES = ["zh_Hant", "zh_Hans"]

# %(name)s, %(counter)d, %s, %d … (python-format); {{ var }} in case a template string is
# ever extracted verbatim; %% is a literal percent sign, not a placeholder.
_PLACEHOLDER = re.compile(
    r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|\{\{\s*\w+\s*\}\}"
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """A minimal .po reader: msgctxt, msgid, msgid_plural, msgstr, msgstr[n] and flags."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~") or line.startswith("#|"):
            continue  # obsolete entry or previous msgid: not compiled
        elif line.startswith("#,"):
            if target is not None and target[0] == "msgstr":
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path.name}:{number}: text outside an entry"
            key, index = target
            if key == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, key, (getattr(entry, key) or "") + _unquote(line))
        else:
            keyword, _, rest = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()  # a new entry starts without a blank line in between
            if keyword == "msgid":
                entry.line = number
            if match or keyword == "msgstr":
                index = int(match[1]) if match else 0
                entry.msgstr[index] = _unquote(rest)
                target = ("msgstr", index)
            elif keyword in ("msgctxt", "msgid", "msgid_plural"):
                setattr(entry, keyword, _unquote(rest))
                target = (keyword, 0)
            else:
                raise AssertionError(f"{path.name}:{number}: unexpected line {raw!r}")
    finish()
    return entries


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def messages(language: str) -> list[Entry]:
    return [entry for entry in parse_po(po_path(language)) if entry.msgid]


def header(language: str) -> dict[str, str]:
    (head,) = [entry for entry in parse_po(po_path(language)) if not entry.msgid]
    lines = [line.partition(":") for line in head.msgstr[0].splitlines() if line]
    return {key.strip(): value.strip() for key, _, value in lines}


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text.replace("%%", "")))


def describe(entry: Entry) -> str:
    context = f" [{entry.msgctxt}]" if entry.msgctxt else ""
    return f"line {entry.line}: {entry.msgid!r}{context}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    entries = messages(language)
    assert entries, f"{po_path(language)} has no messages"
    untranslated = [
        describe(entry)
        for entry in entries
        if not all(text.strip() for text in entry.msgstr.values())
    ]
    assert not untranslated, f"{language}: untranslated messages:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_is_fuzzy(language):
    fuzzy = [describe(entry) for entry in parse_po(po_path(language)) if "fuzzy" in entry.flags]
    assert not fuzzy, f"{language}: fuzzy entries (review, then remove the flag):\n" + "\n".join(
        fuzzy
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_chinese_has_one_plural_form(language):
    assert header(language)["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert header(language)["Content-Type"] == "text/plain; charset=UTF-8"
    for entry in messages(language):
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == [0], describe(entry)


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language):
    wrong = []
    for entry in messages(language):
        expected = placeholders(entry.msgid)
        if entry.msgid_plural is not None:
            # With one plural form the translation follows the plural msgid (counter included).
            expected = placeholders(entry.msgid_plural)
        for text in entry.msgstr.values():
            if placeholders(text) != expected:
                wrong.append(f"{describe(entry)} → {text!r}")
    assert not wrong, f"{language}: placeholders differ from the msgid:\n" + "\n".join(wrong)


def test_both_languages_have_the_same_messages():
    def keys(language):
        return {(e.msgctxt, e.msgid, e.msgid_plural) for e in messages(language)}

    hant, hans = keys("zh_Hant"), keys("zh_Hans")
    assert hant == hans, f"only zh_Hant: {hant - hans}; only zh_Hans: {hans - hant}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_is_not_stale(language):
    """The committed .mo says exactly what the .po says: rerun `make messages` if this fails."""
    mo = po_path(language).with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    data = mo.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    count = struct.unpack(f"{order}I", data[8:12])[0]
    entries = messages(language)
    assert count == len(entries) + 1, f"{mo.name}: {count - 1} messages, the .po has {len(entries)}"

    catalog = gettext.GNUTranslations(mo.open("rb"))
    stale = []
    for entry in entries:
        if entry.msgid_plural is not None:
            for n in (1, 2, 5):
                if entry.msgctxt is not None:
                    got = catalog.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                else:
                    got = catalog.ngettext(entry.msgid, entry.msgid_plural, n)
                if got != entry.msgstr[0]:
                    stale.append(f"{describe(entry)}: .mo has {got!r}")
        else:
            if entry.msgctxt is not None:
                got = catalog.pgettext(entry.msgctxt, entry.msgid)
            else:
                got = catalog.gettext(entry.msgid)
            if got != entry.msgstr[0]:
                stale.append(f"{describe(entry)}: .mo has {got!r}")
    assert not stale, f"{mo} is stale (run `make messages`):\n" + "\n".join(stale)


@pytest.mark.parametrize(
    ("language", "msgid", "expected"),
    [
        ("zh-hant", "My work", "我的工作"),
        ("zh-hans", "My work", "我的工作"),
        ("zh-hant", "Service standard", "服務規範"),
        ("zh-hans", "Service standard", "服务规范"),
        (
            "zh-hant",
            "Wrong username or password. Please try again.",
            "使用者名稱或密碼錯誤，請重試。",
        ),
        ("zh-hans", "Wrong username or password. Please try again.", "用户名或密码错误，请重试。"),
        ("zh-hant", "Service advisor", "服務顧問"),
        ("zh-hans", "Service advisor", "服务顾问"),
        ("zh-hant", "Follow-up advisor", "跟蹤服務顧問"),
        ("zh-hans", "Follow-up advisor", "跟踪服务顾问"),
        ("zh-hant", "Supervisor", "主管"),
        ("zh-hans", "Supervisor", "主管"),
        ("zh-hant", "Administrator", "系統管理員"),
        ("zh-hans", "Administrator", "系统管理员"),
        ("zh-hant", "Upcoming", "尚未開始"),
        ("zh-hans", "Upcoming", "尚未开始"),
        ("zh-hant", "Open", "待辦"),
        ("zh-hans", "Open", "待办"),
        ("zh-hant", "Done on time", "準時完成"),
        ("zh-hans", "Done on time", "准时完成"),
    ],
)
def test_glossary_terms_are_used_at_run_time(language, msgid, expected):
    with translation.override(language):
        assert translation.gettext(msgid) == expected


def test_plural_summary_renders_in_chinese():
    with translation.override("zh-hant"):
        text = translation.ngettext("%(counter)s item to do", "%(counter)s items to do", 3)
    assert text % {"counter": 3} == "共 3 項待辦"
