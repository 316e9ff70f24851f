"""Periodic work of workshop safety, called by `aftercare.tick.run`."""

from datetime import datetime

from aftercare.safety import actions


def run(now: datetime | None = None) -> dict[str, int]:
    return {"safety_opened": actions.open_due_work(now)}
