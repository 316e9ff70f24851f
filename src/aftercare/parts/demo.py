"""Demo data: filled in by the pages' work (see the app's views)."""

from __future__ import annotations

from datetime import datetime

from aftercare.org.models import Organisation


def load(organisation: Organisation, now: datetime) -> None:
    return None


def remove(organisation: Organisation) -> None:
    return None
