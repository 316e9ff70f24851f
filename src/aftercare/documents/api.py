"""Handover documents (BS-14) and final acceptance (BS-5) over the API.

Uploads are multipart (``system_id`` or ``site_id``, ``kind``, ``title``, ``file``); the other
bodies are JSON like everywhere else. A file is downloaded through the API (or the page),
never from a public media URL, so the read scope applies to every version.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from aftercare.apischema import BoundedPagination, Day, Id, Input, responses
from aftercare.documents import actions, queries
from aftercare.documents.choices import DocumentKind
from aftercare.documents.models import DocumentVersion
from aftercare.org.http import StaffRequest

router = Router(tags=["documents"])


def _require(request: StaffRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


class DocumentOut(Schema):
    id: int
    system_id: int | None
    site_id: int | None
    kind: str
    title: str
    version: int
    original_name: str
    size: int
    sha256: str
    content_type: str
    note: str
    uploaded_by_id: int
    uploaded_at: datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: DocumentVersion) -> str:
        return reverse("api:download_document", kwargs={"document_id": obj.pk})


class UploadForm(Schema):
    kind: DocumentKind
    title: str = Field(..., min_length=1, max_length=200)
    # Multipart has no null: absent is the only "none" (a default, not an accepted value).
    system_id: Id = None  # type: ignore[assignment]
    site_id: Id = None  # type: ignore[assignment]
    note: str = Field("", max_length=500)


@router.post("/documents", response=responses({201: DocumentOut}, 404, 409))
def upload_document(
    request: StaffRequest,
    payload: Form[UploadForm],
    # Optional in the schema: a missing or empty file is the action's 422 on `file` ("Choose
    # a file." / "The file is empty."), in the same words as the page.
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Any:
    """Archive a file as the next version of (place, kind, title): version 1 for a new title.
    An empty file, one over the size limit (413 while it is sent) or an unknown kind is
    refused and nothing is stored."""
    _require(request, "documents.add_documentversion")
    system = site = None
    if payload.system_id is not None:
        system = queries.get_system_for(request.user, payload.system_id)
    if payload.site_id is not None:
        site = queries.get_site_for(request.user, payload.site_id)
    version = actions.upload_document(
        by=request.user, system=system, site=site, kind=payload.kind.value, title=payload.title,
        file=file, note=payload.note,
    )  # fmt: skip
    return Status(201, version)


class DocumentFilters(Schema):
    system_id: Id | None = None
    site_id: Id | None = None
    kind: DocumentKind | None = None


@router.get("/documents", response=responses({200: list[DocumentOut]}))
@paginate(BoundedPagination)
def list_documents(request: StaffRequest, filters: Query[DocumentFilters]) -> Any:
    """Every version the user may read, newest first; filter by system, site or kind."""
    rows = queries.visible_documents(request.user).order_by("-uploaded_at", "-id")
    if filters.system_id is not None:
        rows = rows.filter(system_id=filters.system_id)
    if filters.site_id is not None:
        rows = rows.filter(site_id=filters.site_id)
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind.value)
    return rows


_FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "The file as it was uploaded",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    }
}


@router.get(
    "/documents/{document_id}/file", response=responses(None, 404), openapi_extra=_FILE_RESPONSE
)
def download_document(request: StaffRequest, document_id: Id) -> Any:
    """The file of one version, under its original name; every version stays downloadable."""
    version = queries.get_document_for(request.user, document_id)
    return FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.original_name,
        content_type="application/octet-stream",
    )


class HandoverOut(Schema):
    system_id: int
    complete: bool
    required: list[str]
    present: list[str]
    missing: list[str]
    accepted_on: date | None
    warranty_ends_on: date | None


@router.get("/systems/{system_id}/handover", response=responses({200: HandoverOut}, 404))
def system_handover(request: StaffRequest, system_id: Id) -> Any:
    """The handover checklist (BS-14): which required kinds are present, which are missing."""
    system = queries.get_system_for(request.user, system_id)
    state = queries.handover(system)
    return {
        "system_id": system.pk,
        "complete": state.complete,
        "required": [row.kind for row in state.rows if row.required],
        "present": state.present,
        "missing": state.missing,
        "accepted_on": system.accepted_on,
        "warranty_ends_on": system.warranty_ends_on,
    }


class AcceptanceIn(Input):
    accepted_on: Day
    accepted_by: str = Field(..., min_length=1, max_length=100)


class AcceptanceOut(Schema):
    system_id: int
    accepted_on: date
    accepted_by: str
    acceptance_recorded_at: datetime
    warranty_starts_on: date
    warranty_ends_on: date


@router.post("/systems/{system_id}/acceptance", response=responses({200: AcceptanceOut}, 404, 409))
def record_acceptance(request: StaffRequest, system_id: Id, payload: AcceptanceIn) -> Any:
    """Final acceptance (BS-5): starts the warranty of the system and its equipment and opens
    the BS-6 contract offer. Refused (422, naming the missing kinds) while the handover is
    incomplete; 409 when already accepted."""
    _require(request, "sites.change_system")
    system = queries.get_system_for(request.user, system_id)
    system = actions.record_acceptance(
        by=request.user, system=system, accepted_on=payload.accepted_on,
        accepted_by=payload.accepted_by,
    )  # fmt: skip
    return {
        "system_id": system.pk,
        "accepted_on": system.accepted_on,
        "accepted_by": system.accepted_by,
        "acceptance_recorded_at": system.acceptance_recorded_at,
        "warranty_starts_on": system.warranty_starts_on,
        "warranty_ends_on": system.warranty_ends_on,
    }
