from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from aftercare.apps import MenuEntry, MenuGroup, menu_entries
from aftercare.org.models import User
from aftercare.org.queries import desks_of


def _link(entry: MenuEntry, current: str) -> dict[str, Any]:
    url = reverse(entry.url_name)
    return {"url": url, "label": entry.label, "active": current.startswith(url)}


def menu(user: User, current: str) -> list[dict[str, Any]]:
    """The menu bar from every app's declared entries, as far as `user` may open them.

    Top-level links and drop-downs are placed by one shared order; a drop-down shows when the
    user may open something in it. Entries of a desk show where the user's branch runs it.
    """
    desks = desks_of(user)
    allowed = [
        e
        for e in menu_entries()
        if (not e.permission or user.has_perm(e.permission))
        and (e.effective_desk is None or e.effective_desk in desks)
    ]
    slots: list[tuple[int, MenuEntry | MenuGroup]] = [
        (entry.order, entry) for entry in allowed if entry.group is None
    ]
    groups = {entry.group for entry in allowed if entry.group is not None}
    slots += [(group.order, group) for group in groups]
    items = []
    for _order, slot in sorted(slots, key=lambda pair: pair[0]):
        if isinstance(slot, MenuEntry):
            items.append(_link(slot, current))
            continue
        entries = sorted((e for e in allowed if e.group == slot), key=lambda e: e.order)
        children = [_link(entry, current) for entry in entries]
        active = any(child["active"] for child in children)
        items.append({"label": slot.label, "children": children, "active": active})
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"menu": menu(user, request.path), "unread_notifications": unread}
