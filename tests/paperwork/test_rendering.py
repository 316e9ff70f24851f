"""The shared renderings: a PDF that really draws Chinese, a workbook with its header row."""

from io import BytesIO

from openpyxl import load_workbook

from aftercare.paperwork.rendering import html_to_pdf, workbook


def test_pdf_draws_traditional_and_simplified_chinese(pdf_text):
    html = "<body style=\"font-family: 'Noto Sans CJK TC'\">客戶檔案基本資料表 客户档案</body>"
    text = pdf_text(html_to_pdf(html))
    assert "客戶檔案基本資料表" in text
    assert "客户档案" in text


def test_workbook_has_title_header_and_one_row_per_record():
    content = workbook(
        ["序號", "客戶姓名"], [[1, "張三"], [2, "李四"]], sheet_title="登記表", title_lines=["標題"]
    )
    sheet = load_workbook(BytesIO(content)).active
    assert sheet.title == "登記表"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [("標題", None), ("序號", "客戶姓名"), (1, "張三"), (2, "李四")]
