"""Benchmark: the PDF of a Form 3 call register, drawn at once and drawn in parts.

    .venv/bin/python bench/forms_pdf_bench.py [--lines 100 500 2000] [--modes sync parts]

*sync* is what the PDF link does up to `paperwork.views.SYNC_PDF_LINES` lines: one WeasyPrint
pass (`rendering.render_pdf`). *parts* is what the export job does above it:
`paperwork.parts.register_pdf`, parts of 200 lines, then the footers laid over and the pages
joined. The register is synthetic (no database: reading 2 000 calls is a small fraction of
the time) but shaped like a real one: Chinese names, a summary of one to four lines, now and
then a correction. Each case runs in a fresh process, so its peak memory is its own. Prints a
Markdown table; the figures are recorded by hand under "## Form PDFs" in bench/RESULTS.md.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["張三", "李四", "王小明", "陳美玲", "林志豪", "黃淑芬", "吳建國", "劉德華"]
NOTES = [
    "客戶對服務滿意",
    "客戶對服務滿意\n用車情況及對本公司服務的意見",
    "抱怨等候太久，希望下次預約能準時開工\n用車情況及對本公司服務的意見; 新的服務需求",
    "詢問延長保固的價格與條件，已說明並寄送資料\n用車知識及注意事項; 本公司近期服務; "
    "近期優惠及俱樂部活動",
]


def register(lines: int):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import translation

    from aftercare.paperwork.documents import Document, Table

    translation.activate("zh-hant")
    rows = [
        [
            f"a-T-2026-{n:05d}", datetime(2026, 7, 1 + n * 30 // max(lines, 1), 9, n % 60),
            NAMES[n % len(NAMES)], f"+86138{n:08d}", "第一次跟蹤服務", "去電",
            "否" if n % 9 == 0 else "是", "林小美", NOTES[n % len(NOTES)],
            "通話要點" if n % 25 == 0 else "",
        ]
        for n in range(1, lines + 1)
    ]  # fmt: skip
    headers = ["登記編號", "日期時間", "客戶", "電話", "目的", "方向", "接通", "顧問"]
    headers += ["摘要", "更正"]
    return Document(
        form=3, title="跟蹤服務電話登記表", organisation="北豐汽車", branch="北區店",
        printed_at=datetime(2026, 8, 1, tzinfo=ZoneInfo("UTC")), tz=ZoneInfo("Asia/Shanghai"),
        filename="bench", landscape=True,
        tables=[Table("通話", headers, rows, wide=(8,), nowrap=(0, 3))],
    )  # fmt: skip


def one(mode: str, lines: int) -> dict:
    """One case, in this process: wall and CPU seconds, pages, size, peak memory."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftercare.settings")
    os.environ.setdefault("AFTERCARE_HOME", tempfile.mkdtemp(prefix="aftercare-bench-"))
    import django

    django.setup()
    import weasyprint  # noqa: F401  (imported before the clock starts, as in a worker)

    from aftercare.paperwork import parts
    from aftercare.paperwork.rendering import render_pdf

    doc = register(lines)
    marks = []
    cpu, start = time.process_time(), time.perf_counter()
    if mode == "sync":
        content = render_pdf("paperwork/document.html", {"doc": doc})
        pages = None
    else:
        content, pages = parts.register_pdf(
            doc, progress=lambda done, total: marks.append(time.perf_counter() - start)
        )
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    if pages is None:
        out = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=False)
        pages = int(next(x for x in out.stdout.decode().splitlines() if x.startswith("Pages:"))
                    .split()[1])  # fmt: skip
    return {
        "mode": mode, "lines": lines, "wall": wall, "cpu": cpu, "pages": pages,
        "kb": len(content) // 1024, "parts": len(marks),
        "join": wall - marks[-1] if marks else None,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--modes", nargs="+", default=["sync", "parts"])
    parser.add_argument("--one", nargs=2, metavar=("MODE", "LINES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return
    print(f"load average before: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| path | lines | pages | wall s | lines/s | CPU s | lines/CPU s | parts | joining s "
          "| peak MB | KB |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for lines in args.lines:
        for mode in args.modes:
            out = subprocess.run(
                [sys.executable, __file__, "--one", mode, str(lines)],
                capture_output=True, text=True, check=True, cwd=ROOT,
            )  # fmt: skip
            r = json.loads(out.stdout.strip().splitlines()[-1])
            join = f"{r['join']:.1f}" if r["join"] is not None else "–"
            print(
                f"| {mode} | {lines} | {r['pages']} | {r['wall']:.1f} | {lines / r['wall']:.0f} "
                f"| {r['cpu']:.1f} | {lines / r['cpu']:.0f} | {r['parts'] or '–'} | {join} "
                f"| {r['rss_mb']} | {r['kb']} |",
                flush=True,
            )
    print(f"load average after: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
