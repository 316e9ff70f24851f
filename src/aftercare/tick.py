"""All periodic work of every app, in one idempotent pass (`aftercare tick`).

Each app declares its steps and their order (``AftercareApp.tick_steps``); see
``aftercare.apps.TickStep`` for why the order matters.
"""

from datetime import datetime

from django.utils import timezone

from aftercare.apps import run_tick_steps


def run(now: datetime | None = None) -> dict[str, int]:
    return run_tick_steps(now or timezone.now())
