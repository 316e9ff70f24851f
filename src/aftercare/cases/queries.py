from aftercare.cases.models import RaisedItem, State


def visible_items(user):
    qs = RaisedItem.objects.select_related("customer", "owner", "call")
    if user.is_superuser:
        return qs
    if user.is_administrator:
        return qs.filter(branch__organisation_id=user.organisation_id)
    return qs.filter(branch_id=user.branch_id)


def open_items(user):
    return visible_items(user).exclude(state=State.CLOSED)


def escalation_queue(user):
    """The supervisor's queue: escalated items of their branch, oldest first."""
    return visible_items(user).filter(state=State.ESCALATED).order_by("escalated_at", "id")
