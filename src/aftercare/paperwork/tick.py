"""Periodic work of the forms: old PDF exports' files are deleted."""

from datetime import datetime

from aftercare.paperwork import actions


def run(now: datetime) -> dict[str, int]:
    return {"exports_purged": actions.purge_exports(now)}
