"""Reads of the installed base. Each model's read scope is its ``visible_to`` (one function that
pages and API share); these add what the pages show alongside.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet

from aftercare.org.models import User
from aftercare.sites.models import Equipment, Site, System, serial_key


def visible_sites(user: User) -> QuerySet[Site]:
    return Site.objects.visible_to(user).select_related("customer", "branch")


def visible_systems(user: User) -> QuerySet[System]:
    return System.objects.visible_to(user).select_related("site__customer", "site__branch")


def visible_equipment(user: User) -> QuerySet[Equipment]:
    return Equipment.objects.visible_to(user).select_related("system__site")


def site_list(user: User) -> QuerySet[Site]:
    return visible_sites(user).annotate(system_count=Count("systems"))


def equipment_by_serial(user: User, serial: str) -> QuerySet[Equipment]:
    """Items whose serial starts with what was typed (spaces, dashes and case ignored)."""
    key = serial_key(serial)
    if not key:
        return visible_equipment(user).none()
    return visible_equipment(user).filter(serial_key__startswith=key)
