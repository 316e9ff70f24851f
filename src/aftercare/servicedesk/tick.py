"""The hotline's periodic work: emergency escalation steps (BS-13). Breaches of the clocks
themselves are ordinary overdue obligations, claimed by the obligations step."""

from datetime import datetime

from aftercare.servicedesk import escalation


def run(now: datetime) -> dict[str, int]:
    return escalation.run(now)
