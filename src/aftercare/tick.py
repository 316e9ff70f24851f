"""All periodic work of every app, in one idempotent pass (`aftercare tick`)."""

from datetime import datetime

from django.utils import timezone

from aftercare.messaging import tick as messaging_tick
from aftercare.obligations import tick as obligations_tick
from aftercare.paperwork import tick as paperwork_tick
from aftercare.reviews import tick as reviews_tick
from aftercare.safety import tick as safety_tick


def run(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    result: dict[str, int] = {}
    # Safety first: an obligation it opens already overdue is claimed in the same pass.
    result.update(safety_tick.run(now))
    result.update(obligations_tick.run(now))
    result.update(messaging_tick.run(now))
    result.update(reviews_tick.run(now))
    result.update(paperwork_tick.run(now))
    return result
