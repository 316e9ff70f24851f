"""The sign-in backend: Django's model backend, with the signed-in user read together with
what every page of a request reads from it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from aftercare.org.models import User
from aftercare.org.permissions import access_of
from aftercare.statements import Prepared


class StaffBackend(ModelBackend):
    """Django's model backend with the two reads every request makes made cheap: the user with
    its organisation and branch in one statement, the permissions in one cached step
    (`org.permissions`) instead of two statements."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(access_of(user_obj).permissions)
        held: set[str] = user_obj._perm_cache
        return held

    def get_user(self, user_id: Any) -> User | None:
        """The time zone middleware, the menu's desks and every read scope use the
        organisation and branch: read with the user, not in two more statements (and in a
        statement compiled once: every request of a session asks it)."""
        try:
            rows = SESSION_USER.run(pk=int(user_id))
        except (TypeError, ValueError):
            return None
        user = rows[0] if rows else None
        return user if user is not None and self.user_can_authenticate(user) else None


SESSION_USER: Prepared[User] = Prepared(
    lambda pk: User._default_manager.select_related("organisation", "branch").filter(pk=pk)[:1],
    pk=int,
)
