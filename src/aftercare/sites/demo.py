"""Demo data of the building-systems desk: filled in below."""

from __future__ import annotations

from datetime import datetime

from aftercare.org.models import Organisation


def load(organisation: Organisation, now: datetime) -> None:
    pass


def remove(organisation: Organisation) -> None:
    pass
