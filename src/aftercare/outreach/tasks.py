"""Thin task wrapper around scheduling a big campaign (run by the worker)."""

from django_tasks import task

from aftercare.outreach import actions


@task()
def run_schedule(campaign_id: int) -> str:
    return actions.run_schedule(campaign_id)


@task()
def run_letter_batch(batch_id: int) -> str:
    return actions.run_letter_batch(batch_id)


@task()
def run_record_batch(batch_id: int) -> str:
    return actions.run_record_batch(batch_id)
