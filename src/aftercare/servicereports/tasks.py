"""Thin task wrapper around generating a batch of monthly reports (run by the worker)."""

from django_tasks import task

from aftercare.servicereports import actions


@task()
def generate_reports(run_id: int) -> str:
    return actions.process_run(run_id)
