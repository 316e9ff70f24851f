"""The plan panel a kind's page shows: the versions, where the latest stands, what may be done
next, and the timeline — the same for a maintenance plan and a training plan."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from aftercare.agreements.choices import VersionState
from aftercare.agreements.kinds import kind_of
from aftercare.agreements.models import Agreement
from aftercare.agreements.queries import timeline
from aftercare.org.access import works_in


def may_change(user: Any, agreement: Agreement) -> bool:
    """Whether the page offers the workflow's moves (the actions check again)."""
    kind = kind_of(agreement.kind)
    return bool(user.has_perm(kind.change_permission)) and works_in(user, agreement.branch)


def plan_panel(request: Any, agreement: Agreement) -> SafeString:
    versions = list(agreement.versions.select_related("drafted_by").order_by("number"))
    latest = versions[-1]
    in_force = [version for version in versions if version.state == VersionState.CONFIRMED]
    context = {
        "agreement": agreement,
        "versions": versions,
        "latest": latest,
        "in_force": in_force[-1] if in_force else None,
        "events": list(timeline(agreement)),
        "can_change": may_change(request.user, agreement),
        "states": VersionState,
    }
    return SafeString(render_to_string("agreements/_panel.html", context, request=request))
