"""API of messaging/: messages to customers (list, retry) and opt-outs."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from aftercare.apischema import BoundedPagination, Id, Input, responses
from aftercare.customers.queries import get_customer_for
from aftercare.messaging import actions, queries
from aftercare.messaging.choices import Channel, MessageStatus

router = Router(tags=["messaging"])


class MessageOut(Schema):
    id: int
    customer_id: int
    channel: str
    to: str
    subject: str
    body: str
    reason: str
    status: str
    suppressed_because: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str
    sent_at: datetime | None
    provider_id: str
    queued_at: datetime


class MessageQuery(Schema):
    status: MessageStatus | None = None
    customer_id: Id | None = None


@router.get("/messages", response=responses({200: list[MessageOut]}))
@paginate(BoundedPagination)
def list_messages(request, filters: Query[MessageQuery]):
    if not request.user.has_perm("messaging.view_message"):
        raise PermissionDenied
    qs = queries.messages_for(request.user, filters.status.value if filters.status else "")
    if filters.customer_id is not None:
        qs = qs.filter(customer_id=filters.customer_id)
    return qs


@router.post("/messages/{message_id}/retry", response=responses({200: MessageOut}, 404, 409))
def retry_message(request, message_id: Id):
    if not request.user.has_perm("messaging.retry_message"):
        raise PermissionDenied
    message = queries.get_message_for(request.user, message_id)
    actions.retry_message(message, by=request.user)
    return queries.get_message_for(request.user, message_id)


class OptOutIn(Input):
    customer_id: Id
    channel: Channel
    reason: str = Field("", max_length=300)


class OptOutOut(Schema):
    id: int
    customer_id: int
    channel: str
    reason: str
    recorded_by_id: int | None
    recorded_at: datetime


@router.post("/message-opt-outs", response=responses({201: OptOutOut}, 404))
def opt_out(request, payload: OptOutIn):
    customer = get_customer_for(request.user, payload.customer_id)
    row = actions.opt_out(
        customer, channel=payload.channel.value, by=request.user, reason=payload.reason
    )
    return Status(201, row)
