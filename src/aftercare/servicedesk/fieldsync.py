"""Actions sent from an engineer's phone queue (``static/js/fieldqueue.js``): arrival, pause,
resume and resolve recorded offline with the moment they happened and sent when the phone is
back online.

Each carries an idempotency key. ``once`` runs the action and writes its ``FieldReceipt`` in
one transaction, so a key that comes again (a retry after a lost answer, a replayed queue)
answers the stored status and body and changes nothing. The receipt is inserted before the
action runs: a concurrent duplicate waits on the unique key and, when the first commits,
answers the stored receipt. A refusal is stored too (after the action's transaction rolled
back) — and when it is because the ticket changed meanwhile (dispatched to someone else,
resolved) a ``FieldConflict`` shows it to the supervisor. A refusal for want of a role writes
nothing, like every refusal of access.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftercare.errors import Conflict, DomainError, NotAllowed
from aftercare.org.models import User
from aftercare.servicedesk.choices import ConflictReason, EventKind, FieldAction
from aftercare.servicedesk.models import FieldConflict, FieldReceipt, Ticket, TicketEvent

#: Refusals kept as the key's answer: the rules of the ticket, not access (nothing is written
#: for those, and sending again after the access is fixed must be possible).
KEPT_STATUSES = frozenset({409, 422})


@dataclass(frozen=True)
class Answer:
    """What the API answers: the action's status and JSON body."""

    status: int
    body: dict[str, Any]


def digest(payload: Mapping[str, Any]) -> str:
    """A fingerprint of the request body: a key sent again with another body is refused."""
    text = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def error_body(error: DomainError) -> dict[str, Any]:
    """The API's error body (``aftercare.api``) for a refusal."""
    return {"code": error.code, "message": str(error.message), "fields": error.fields}


def _json(body: Mapping[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
    return loaded


def _stored(key: UUID, *, by: User, ticket: Ticket, action: str, fingerprint: str) -> Answer | None:
    receipt = FieldReceipt.objects.filter(key=key).first()
    if receipt is None:
        return None
    if (
        receipt.user_id != by.pk
        or receipt.ticket_id != ticket.pk
        or receipt.action != action
        or receipt.digest != fingerprint
    ):
        raise Conflict(
            _("This idempotency key was used for another request; send a new key."),
            code="idempotency_key_reused",
        )
    return Answer(receipt.status, dict(receipt.response))


def conflict_reason(error: DomainError, ticket: Ticket, by: User) -> str | None:
    """Why a refusal is a conflict with what happened meanwhile, or None when it is not."""
    if error.code == "ticket_resolved":
        return ConflictReason.RESOLVED
    if isinstance(error, NotAllowed):
        engineer_id = Ticket.objects.filter(pk=ticket.pk).values_list("engineer_id", flat=True)
        was_dispatched_here = TicketEvent.objects.filter(
            ticket=ticket, kind=EventKind.DISPATCHED, data__engineer_id=by.pk
        ).exists()
        if engineer_id.first() != by.pk and was_dispatched_here:
            return ConflictReason.REDISPATCHED
    return None


def once(
    key: UUID,
    *,
    by: User,
    ticket: Ticket,
    action: FieldAction,
    fingerprint: str,
    at: datetime | None,
    run: Callable[[], Mapping[str, Any]],
) -> Answer:
    """Run `run` (the action, answering the API's body) once for `key`; see the module."""
    found = _stored(key, by=by, ticket=ticket, action=action, fingerprint=fingerprint)
    if found is not None:
        return found
    fields = {"key": key, "user": by, "ticket": ticket, "action": action, "digest": fingerprint}
    try:
        with transaction.atomic():
            receipt = FieldReceipt.objects.create(**fields, status=200, response={})
            body = _json(run())
            receipt.response = body
            receipt.save(update_fields=["response"])
        return Answer(200, body)
    except IntegrityError:
        # A concurrent request with the same key committed first: its answer is the answer.
        found = _stored(key, by=by, ticket=ticket, action=action, fingerprint=fingerprint)
        if found is None:
            raise
        return found
    except DomainError as error:
        reason = conflict_reason(error, ticket, by)
        if error.status not in KEPT_STATUSES and reason is None:
            raise
        return _refused(error, fields, reason=reason, at=at)


def _refused(
    error: DomainError, fields: dict[str, Any], *, reason: str | None, at: datetime | None
) -> Answer:
    body = error_body(error)
    try:
        with transaction.atomic():
            receipt = FieldReceipt.objects.create(**fields, status=error.status, response=body)
            if reason is not None:
                FieldConflict.objects.create(
                    receipt=receipt, ticket=fields["ticket"], engineer=fields["user"],
                    action=fields["action"], at=at, reason=reason, message=body["message"][:300],
                )  # fmt: skip
    except IntegrityError:
        found = _stored(
            fields["key"], by=fields["user"], ticket=fields["ticket"], action=fields["action"],
            fingerprint=fields["digest"],
        )  # fmt: skip
        if found is None:
            raise
        return found
    return Answer(error.status, body)
