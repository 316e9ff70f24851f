"""The language walk's detector (tests/e2e/walk.py), without a browser: what it flags as text
in another language than the page's, and what it leaves alone."""

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.e2e.walk import foreign_text


@pytest.mark.parametrize(
    ("language", "text", "found"),
    [
        ("en", "我的工作", "我的工作"),
        ("en", "Log the call · DS-3 · PDF", ""),
        ("zh-hans", "服務顧問", "務 顧 問"),
        ("zh-hans", "服务顾问 · 仪表板 · 里程（公里）", ""),
        ("zh-hant", "服务顾问", "务 顾 问"),
        ("zh-hant", "服務顧問 · 儀表板 · 台灣 · 里程（公里）· 後來", ""),
        ("zh-hant", "客戶 Log the call", "Log the call"),
        ("zh-hans", "Log a call", "Log a call"),
        ("zh-hans", "Aftercare · DS-3 · VIN", ""),
    ],
)
def test_foreign_text_flags_the_other_script_and_untranslated_english(language, text, found):
    assert foreign_text(language, text) == found


@pytest.mark.parametrize(
    ("code", "lang"), [("zh-hant", "zh-Hant"), ("zh-hans", "zh-Hans"), ("en", "en")]
)
def test_html_lang_is_the_bcp47_tag_of_the_active_language(code, lang):
    with translation.override(code):
        assert Template("{% load page_language %}{% html_lang %}").render(Context()) == lang
