"""Thin, idempotent task wrappers around messaging actions (run by the worker)."""

from datetime import datetime

from django_tasks import task

from aftercare.messaging import actions


@task()
def send_message(message_id: int, at: str | None = None) -> str:
    """One delivery attempt at the moment it was requested (the tick's or the queue's).

    Idempotent: a message that is not due, already taken or sent is left alone.
    """
    now = datetime.fromisoformat(at) if at else None
    message = actions.deliver(message_id, now=now)
    return message.status if message is not None else "skipped"
