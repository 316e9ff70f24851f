from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """What a handover document is (BS-14); the first five are required before acceptance."""

    AS_BUILT_DRAWING = "as_built_drawing", _("As-built drawings")
    SOFTWARE_DOC = "software_doc", _("Software documentation")
    HARDWARE_DOC = "hardware_doc", _("Hardware documentation")
    OM_MANUAL = "om_manual", _("Operation and maintenance manual")
    EQUIPMENT_LIST = "equipment_list", _("Equipment list")
    OTHER = "other", _("Other")


# BS-14: what the handover of a system must hold before its final acceptance is recorded.
REQUIRED_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind.AS_BUILT_DRAWING,
    DocumentKind.SOFTWARE_DOC,
    DocumentKind.HARDWARE_DOC,
    DocumentKind.OM_MANUAL,
    DocumentKind.EQUIPMENT_LIST,
)
