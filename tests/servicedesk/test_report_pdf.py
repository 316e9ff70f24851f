"""The visit report 維修服務報告 of a resolved ticket: an A4 PDF in the reader's language with
the ticket's facts, whether each clock was met, and the owner's signature drawn as an image."""

import subprocess

import pytest
from django.urls import reverse

from aftercare.servicedesk import actions
from tests.servicedesk.helpers import at, hotline, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved():
    h = hotline()
    ticket = h.call(at(2026, 6, 2, 16, 0))
    actions.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 16, 5))
    actions.arrive(ticket, by=h.eve, at=at(2026, 6, 2, 17, 0))
    ticket = actions.resolve(
        ticket, by=h.eve, at=at(2026, 6, 2, 19, 30), work_done="更換電源適配器，恢復畫面",
        cause="電源老化", labour_minutes=150, signed_by="李經理", signature_png=png(),
    )  # fmt: skip
    return h, ticket


def images(content: bytes, tmp_path) -> list[str]:
    """The images of `pdfimages -list` (their alpha masks, `smask`, left out)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    return [line for line in out.splitlines()[2:] if line.split()[2] == "image"]


def test_the_report_shows_the_chinese_title_the_facts_and_the_signature(
    resolved, client, pdf_text, tmp_path
):
    h, ticket = resolved
    client.force_login(h.sam)
    client.cookies.load({"django_language": "zh-hant"})
    response = client.get(reverse("servicedesk:report_pdf", args=[ticket.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(content)
    assert "維修服務報告" in text
    assert "BS-H-2026-000001" in text
    for fact in (
        "弘安弱電",
        "宏遠大廈",
        "閉路電視",
        "王先生",
        "更換電源適配器",
        "電源老化",
        "李經理",
    ):
        assert fact in text, fact
    assert "2026-06-02 16:00" in text and "2026-06-02 17:00" in text
    assert "2026-06-02 19:30" in text
    [signature] = images(content, tmp_path)  # the owner's signature, and no other image
    assert signature.split()[3:5] == ["1", "1"]  # the 1×1 PNG the phone sent


def test_the_report_is_in_the_readers_language(resolved, client, pdf_text):
    h, ticket = resolved
    client.force_login(h.eve)
    text = pdf_text(client.get(reverse("servicedesk:report_pdf", args=[ticket.pk])).content)
    assert "維修服務報告" in text  # the form's own name, and the reader's beside it
    assert "Visit report" in text
    assert "met on time" in text  # arrival 17:00, due 18:00; fix 19:30 on the next morning's clock
    assert "Signed by" in text and "李經理" in text


def test_no_report_before_the_ticket_is_resolved_nor_for_another_branch(resolved, client):
    h, ticket = resolved
    open_one = h.call(at(2026, 6, 3, 10, 0))
    client.force_login(h.sam)
    assert client.get(reverse("servicedesk:report_pdf", args=[open_one.pk])).status_code == 404
    client.force_login(h.sue)
    assert client.get(reverse("servicedesk:report_pdf", args=[ticket.pk])).status_code == 404
