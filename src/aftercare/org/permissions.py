"""A user's permissions and roles, read in one statement and cached between requests.

Django's ModelBackend asks two statements per request (the user's own permissions, then their
groups'), and `User.role_codes` a third; every page and API request pays them, although they
change only when somebody's roles do. Here the three are one UNION, kept in the cache under
the user's id and `User.access_stamp`. The stamp is on the user's row, which every
request reads anyway, and is replaced in the same transaction as any change of the user's
groups, their own permissions, or a group's permissions (signals below) — so a cached set
from before the change is never asked for again, in this process or any other, whatever the
cache backend (per-process memory included). Superusers are not cached: they hold every
permission, including ones a later migration adds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection

from aftercare.org.models import User, new_access_stamp
from aftercare.org.roles import Role

# An entry outlives no change (its key does not), so the lifetime only bounds memory.
CACHE_SECONDS = 24 * 3600
ROLE_CODES = frozenset(Role.values)


@dataclass(frozen=True)
class Access:
    """What a user may do: permissions as "app_label.codename", and their role codes."""

    permissions: frozenset[str]
    roles: tuple[str, ...]


def cache_key(user: User) -> str:
    return f"aftercare:access:{user.pk}:{user.access_stamp}"


def access_of(user: User) -> Access:
    """The user's permissions and roles: from the request's user object, else the cache, else
    one statement (then cached)."""
    held: Access | None = getattr(user, "_access", None)
    if held is not None:
        return held
    key = cache_key(user)
    access = None if user.is_superuser else cache.get(key)
    if access is None:
        access = _read(user)
        if not user.is_superuser:
            cache.set(key, access, CACHE_SECONDS)
    user._access = access  # type: ignore[attr-defined]
    return access


def _read(user: User) -> Access:
    """One UNION over the user's own permissions, their groups' and their groups' names."""
    groups = User.groups.through._meta.db_table
    own = User.user_permissions.through._meta.db_table
    granted = Group.permissions.through._meta.db_table
    permission = Permission._meta.db_table
    content_type = Permission._meta.get_field("content_type").related_model._meta.db_table
    group = Group._meta.db_table
    if user.is_superuser:
        sql = (
            f"SELECT 'p', ct.app_label, p.codename FROM {permission} p "
            f"JOIN {content_type} ct ON ct.id = p.content_type_id "
            f"UNION SELECT 'g', g.name, '' FROM {groups} ug "
            f"JOIN {group} g ON g.id = ug.group_id WHERE ug.user_id = %s"
        )
        params: list[Any] = [user.pk]
    else:
        sql = (
            f"SELECT 'p', ct.app_label, p.codename FROM {own} up "
            f"JOIN {permission} p ON p.id = up.permission_id "
            f"JOIN {content_type} ct ON ct.id = p.content_type_id WHERE up.user_id = %s "
            f"UNION SELECT 'p', ct.app_label, p.codename FROM {groups} ug "
            f"JOIN {granted} gp ON gp.group_id = ug.group_id "
            f"JOIN {permission} p ON p.id = gp.permission_id "
            f"JOIN {content_type} ct ON ct.id = p.content_type_id WHERE ug.user_id = %s "
            f"UNION SELECT 'g', g.name, '' FROM {groups} ug "
            f"JOIN {group} g ON g.id = ug.group_id WHERE ug.user_id = %s"
        )
        params = [user.pk, user.pk, user.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    permissions = frozenset(f"{app}.{codename}" for kind, app, codename in rows if kind == "p")
    roles = tuple(sorted(name for kind, name, _ in rows if kind == "g" and name in ROLE_CODES))
    return Access(permissions, roles)


def forget(users: Iterable[User]) -> None:
    """Drop what request-scoped user objects hold (after a change made through them)."""
    for user in users:
        user.__dict__.pop("_access", None)
        for name in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            user.__dict__.pop(name, None)


def new_keys(user_ids: Iterable[int] | None) -> None:
    """New cache keys for these users (None: everybody), in the transaction of the change."""
    users = User.objects.all() if user_ids is None else User.objects.filter(pk__in=user_ids)
    users.update(access_stamp=new_access_stamp())


def _on_user_groups_or_permissions(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """m2m_changed of User.groups and User.user_permissions, from either side."""
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if action == "pre_clear" and reverse:
        # Clearing from the group's (or permission's) side: the users are known only before.
        new_keys(list(instance.user_set.values_list("pk", flat=True)))
        return
    if action == "pre_clear":
        return
    if not reverse:  # user.groups.add(...) / user.user_permissions.set(...)
        new_keys([instance.pk])
        _follow_row(instance)
    elif pk_set is not None and action != "post_clear":  # group.user_set.add(user, ...)
        new_keys(pk_set)


def _on_group_permissions(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """m2m_changed of Group.permissions: every member of the group(s) gets a new key."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # permission.group_set.…: the groups are pk_set (or all of its groups)
        group_ids = pk_set if pk_set is not None else set()
        if action == "pre_clear":
            group_ids = set(instance.group_set.values_list("pk", flat=True))
    else:
        group_ids = {instance.pk}
    new_keys(
        User.groups.through.objects.filter(group_id__in=group_ids).values_list("user_id", flat=True)
    )


def _on_group_or_permission_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A deleted group or permission disappears from its holders' sets: new keys for them."""
    if isinstance(instance, Group):
        new_keys(list(instance.user_set.values_list("pk", flat=True)))
    else:
        new_keys(None)


def _follow_row(user: User) -> None:
    """The in-memory user takes the row's new stamp and forgets what it held."""
    stamp = User.objects.filter(pk=user.pk).values_list("access_stamp", flat=True).first()
    user.access_stamp = stamp or user.access_stamp
    forget([user])


def connect() -> None:
    """Called from OrgConfig.ready."""
    from django.db.models.signals import m2m_changed, pre_delete

    m2m_changed.connect(
        _on_user_groups_or_permissions, sender=User.groups.through, dispatch_uid="access.groups"
    )
    m2m_changed.connect(
        _on_user_groups_or_permissions,
        sender=User.user_permissions.through,
        dispatch_uid="access.user_permissions",
    )
    m2m_changed.connect(
        _on_group_permissions, sender=Group.permissions.through, dispatch_uid="access.group"
    )
    pre_delete.connect(_on_group_or_permission_deleted, sender=Group, dispatch_uid="access.gd")
    pre_delete.connect(_on_group_or_permission_deleted, sender=Permission, dispatch_uid="access.pd")
