"""Thin task wrapper around drawing a long register's PDF (run by the worker)."""

from django_tasks import task

from aftercare.paperwork import actions


@task()
def run_export(job_id: int) -> str:
    return actions.run_export(job_id)
