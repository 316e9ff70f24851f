"""QR labels of equipment items: an SVG of the item's address, drawn inline as a data: URI
(the content security policy allows `img-src data:`), so a label needs no route of its own."""

from __future__ import annotations

import base64

import qrcode
from qrcode.image.svg import SvgPathImage


def qr_svg(text: str) -> bytes:
    """The QR code of `text` as a standalone SVG (medium error correction: labels get dirty)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(image_factory=SvgPathImage)
    return bytes(image.to_string(encoding="unicode").encode())


def qr_data_uri(text: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text)).decode()
