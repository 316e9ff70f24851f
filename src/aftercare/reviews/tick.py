"""Periodic work of reviews: draft the review of each period that ended (DS-11)."""

from datetime import datetime

from aftercare.reviews import actions


def run(now: datetime) -> dict[str, int]:
    return {"reviews_drafted": actions.draft_ended_reviews(now)}
