from typing import Any

from django.core.signals import setting_changed
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject

from aftercare.apps import MenuEntry, MenuGroup, menu_entries
from aftercare.org.models import User
from aftercare.org.queries import desks_of, unread_notices

# A menu link: (url, label); a drop-down: (label, its links).
Link = tuple[str, Any]
Layout = tuple[Link | tuple[Any, tuple[Link, ...]], ...]
_LAYOUTS: dict[tuple[Any, ...], Layout] = {}
_LAYOUTS_KEPT = 4096  # users × their access stamps: memory bound, not correctness


def _forget_layouts(*, setting: str, **kwargs: Any) -> None:
    if setting in ("INSTALLED_APPS", "ROOT_URLCONF"):  # tests' override_settings
        _LAYOUTS.clear()


setting_changed.connect(_forget_layouts, dispatch_uid="aftercare.org.menu_layouts")


def layout(user: User) -> Layout:
    """What the menu bar offers `user`, from every app's declared entries, as far as they may
    open them: top-level links and drop-downs in one shared order; a drop-down shows when the
    user may open something in it; entries of a desk show where the user's branch runs it.

    Every page asks; the answer changes only with the user's roles (their `access_stamp`
    changes with them, see `org.permissions`), their desks, the apps and the URLs' prefix."""
    desks = desks_of(user)
    key = (user.pk, user.access_stamp, user.is_superuser, desks, get_script_prefix())
    found = _LAYOUTS.get(key)
    if found is None:
        if len(_LAYOUTS) >= _LAYOUTS_KEPT:
            _LAYOUTS.clear()
        found = _LAYOUTS[key] = _layout(user, desks)
    return found


def _layout(user: User, desks: frozenset[str]) -> Layout:
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
    items: list[Any] = []
    for _order, slot in sorted(slots, key=lambda pair: pair[0]):
        if isinstance(slot, MenuEntry):
            items.append((reverse(slot.url_name), slot.label))
            continue
        entries = sorted((e for e in allowed if e.group == slot), key=lambda e: e.order)
        items.append((slot.label, tuple((reverse(e.url_name), e.label) for e in entries)))
    return tuple(items)


def menu(user: User, current: str) -> list[dict[str, Any]]:
    """The menu bar for the page at `current`: `layout` with the open page marked."""
    items = []
    for first, second in layout(user):
        if isinstance(second, tuple):
            children = [_link(url, label, current) for url, label in second]
            active = any(child["active"] for child in children)
            items.append({"label": first, "children": children, "active": active})
        else:
            items.append(_link(first, second, current))
    return items


def _link(url: str, label: Any, current: str) -> dict[str, Any]:
    return {"url": url, "label": label, "active": current.startswith(url)}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu bar's menu and unread count, worked out when a template shows them: every
    render with a request calls this, the HTMX partials too, which show neither."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    return {
        "menu": SimpleLazyObject(lambda: menu(user, request.path)),
        "unread_notifications": _Unread(user.pk),
    }


class _Unread:
    """The count, read on the template's first use (a template calls what it is given)."""

    def __init__(self, user: int) -> None:
        self.user = user
        self.count: int | None = None

    def __call__(self) -> int:
        if self.count is None:
            self.count = unread_notices(self.user)
        return self.count
