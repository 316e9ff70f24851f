"""The size limit of uploaded files, enforced while the request is read.

Django limits form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not files: a 200 MB upload
would be streamed to a temporary file before any view could refuse it. This handler stops the
request as soon as its declared length (or, without one, the bytes received) passes
``AFTERCARE_UPLOAD_MAX_BYTES``: nothing is stored. The API answers 413 with the translated
message (``api.on_body_too_large``); a page answers 413 with the same message on the site's own
error page (``bad_request``, the project's ``handler400``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults


def upload_limit() -> int:
    return int(settings.AFTERCARE_UPLOAD_MAX_BYTES)


class UploadTooLarge(RequestDataTooBig):
    """An upload over the limit; a RequestDataTooBig, so every caller treats it as one."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(self.message)

    @property
    def message(self) -> str:
        # The limit allows for the form's other fields; the person sending thinks in files.
        fields = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        files = self.limit - fields if self.limit > 2 * fields else self.limit
        return _("The file is too large (at most %(mb)s MB).") % {
            "mb": f"{files / 1024 / 1024:.0f}"
        }


class LimitedUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: refuses an oversized upload before it is stored."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        if content_length and content_length > upload_limit():
            raise UploadTooLarge(upload_limit())

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        # Without a declared length (chunked transfer) the bytes received decide.
        if start + len(raw_data) > upload_limit():
            raise UploadTooLarge(upload_limit())
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 400 handler: an upload over the limit is named as such (413, with the
    limit in the reader's language), not left as Django's generic bad request."""
    if isinstance(exception, UploadTooLarge):
        return render(request, "413.html", {"message": exception.message}, status=413)
    return defaults.bad_request(request, exception)
