"""The PDF 月度服務報告: the Chinese title, the figures and the three SVG charts drawn."""

import re
import zlib

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def drawn_paths(content: bytes) -> int:
    """Filled rectangles and paths in the PDF's content streams (the charts' bars)."""
    count = 0
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            text = zlib.decompress(stream)
        except zlib.error:
            continue
        count += len(re.findall(rb" re\b", text))
    return count


def test_the_pdf_shows_the_chinese_title_the_figures_and_the_charts(reported, client, pdf_text):
    a, report = reported
    client.force_login(a.sam)
    client.cookies.load({"django_language": "zh-hant"})
    response = client.get(reverse("servicereports:pdf", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    content = _content(response)
    text = pdf_text(content)
    assert "月度服務報告" in text
    for fact in ("宏遠大廈", "宏遠置業有限公司", "弘安弱電", "2026-08", a.t1.number, a.t2.number,
                 "鏡頭起霧", "林一", "SD-200", "BS-B-2026-000001", "420.00"):  # fmt: skip
        assert fact in text, fact
    plain = text.replace(" ", "")
    # The charts' own titles and labels are text in the PDF, drawn from the inline SVG.
    assert "按類別的工單" in plain, text[:2000]
    assert drawn_paths(content) >= 12  # the bars of three charts, beside the tables' rules


def test_the_pdf_is_in_the_readers_language(reported, client, pdf_text):
    a, report = reported
    client.force_login(a.sam)
    client.cookies.load({"django_language": "en"})
    text = pdf_text(_content(client.get(reverse("servicereports:pdf", args=[report.pk]))))
    assert "月度服務報告" in text and "Monthly service report" in text
    for words in ("Tickets by category", "Arrival and fix against the targets",
                  "Preventive visits", "Ordinary line fault", "No access to the site"):  # fmt: skip
        assert words in text, words
