"""The forms keep the standard's Chinese titles; a reader of another language gets their own
name of the form beside it, never instead of it."""

import re

import pytest

pytestmark = pytest.mark.django_db


def card_titles(html: str) -> list[str]:
    found = re.findall(r'<h2 class="h5 card-title">(.*?)</h2>', html)
    return [re.sub(r"<[^>]+>|\{%.*?%\}", "", title).strip() for title in found]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["客戶檔案基本資料表 · Customer archive",
                "跟蹤服務電話記錄表 · Follow-up call record",
                "跟蹤服務電話登記表 · Follow-up call register",
                "跟蹤服務信函登記表 · Follow-up letter register"]),
        ("zh-hans", ["客戶檔案基本資料表 · 客户档案基本资料表",
                     "跟蹤服務電話記錄表 · 跟踪服务电话记录表",
                     "跟蹤服務電話登記表 · 跟踪服务电话登记表",
                     "跟蹤服務信函登記表 · 跟踪服务信函登记表"]),
        ("zh-hant", ["客戶檔案基本資料表", "跟蹤服務電話記錄表", "跟蹤服務電話登記表",
                     "跟蹤服務信函登記表"]),
    ],
)  # fmt: skip
def test_the_forms_page_shows_the_chinese_title_and_the_readers_name(
    client, desk, language, expected
):
    client.force_login(desk.sam)
    page = client.get("/forms/", HTTP_ACCEPT_LANGUAGE=language).text
    assert card_titles(page) == expected
