"""The sign-in backend: Django's model backend, with the signed-in user read together with
what every page of a request reads from it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from aftercare.org.models import User


class StaffBackend(ModelBackend):
    """Loads the session's user with its organisation and branch in one query: the time zone
    middleware, the menu's desks and every read scope use them, so a page asked for them in
    two more statements of its own."""

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User._default_manager.select_related("organisation", "branch")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
