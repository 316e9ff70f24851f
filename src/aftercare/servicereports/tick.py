"""Periodic work of the monthly reports: on the 1st (local), last month's batch."""

from datetime import datetime

from aftercare.servicereports import actions


def run(now: datetime) -> dict[str, int]:
    return {"report_runs": actions.start_month_runs(now)}
