"""Signatures drawn on a phone or a tablet: the PNG a canvas sends, checked before it is kept.

The hotline's visit report and the owner's confirmation of a plan both take one; the check is
here so both refuse the same things with the same words.
"""

import base64
import binascii
from typing import Any

from django.utils.translation import gettext as _

from aftercare.errors import Errors

MAX_SIGNATURE_BYTES = 512 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_from_base64(
    data: Any, errors: Errors, *, field: str = "signature_png", required: bool = True
) -> bytes | None:
    """The signature as PNG bytes, from base64 (a ``data:`` URL prefix is accepted).

    Problems are added to `errors` under `field`; None is answered for a missing or refused
    image, so the caller can go on collecting the other fields' problems.
    """
    if not data:
        if required:
            errors.add(field, _("The owner's signature is required."))
        return None
    text = str(data)
    if text.startswith("data:"):
        text = text.partition(",")[2]
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        errors.add(field, _("The signature is not a PNG image."))
        return None
    if not raw.startswith(PNG_MAGIC):
        errors.add(field, _("The signature is not a PNG image."))
        return None
    if len(raw) > MAX_SIGNATURE_BYTES:
        errors.add(field, _("The signature image is too large."))
        return None
    return raw


def data_uri(stored: Any) -> str:
    """A kept signature (a FieldFile) as a ``data:`` URI, so a PDF drawn by WeasyPrint embeds
    it without fetching anything; "" when none was kept."""
    if not stored:
        return ""
    with stored.open("rb") as opened:
        return "data:image/png;base64," + base64.b64encode(opened.read()).decode()
