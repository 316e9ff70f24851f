from django.core.files.uploadedfile import SimpleUploadedFile

from aftercare.documents import actions
from aftercare.documents.choices import REQUIRED_KINDS

TITLES = {
    "as_built_drawing": "竣工圖",
    "software_doc": "軟件說明書",
    "hardware_doc": "硬件說明書",
    "om_manual": "操作及維護手冊",
    "equipment_list": "設備清單",
}


def a_file(name: str = "doc.pdf", content: bytes = b"%PDF-1.4 handover") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload_all(by, system, *, without: tuple[str, ...] = ()) -> None:
    for kind in REQUIRED_KINDS:
        if kind.value in without:
            continue
        actions.upload_document(
            by=by, system=system, kind=kind.value, title=TITLES[kind.value],
            file=a_file(f"{kind.value}.pdf", f"{kind.value} v1".encode()),
        )  # fmt: skip
