"""Periodic work of owner training: key systems whose tracks have fewer than two qualified
people and no open gap get one, with BS-2 (a system marked key on the sites pages is picked up
here). One query per track finds them, whatever the number of systems."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q

from aftercare.sites.models import System
from aftercare.training.actions import NEEDED, open_gap
from aftercare.training.choices import Track
from aftercare.training.models import CoverageGap


def run(now: datetime) -> dict[str, int]:
    opened = 0
    for track in Track.values:
        open_gaps = CoverageGap.objects.filter(
            system=OuterRef("pk"), track=track, closed_at__isnull=True
        )
        short = (
            System.objects.filter(key=True)
            .exclude(Exists(open_gaps))
            .annotate(
                qualified=Count(
                    "training_qualifications",
                    filter=Q(
                        training_qualifications__track=track,
                        training_qualifications__lost_at__isnull=True,
                        training_qualifications__trainee__left_on__isnull=True,
                    ),
                )
            )
            .filter(qualified__lt=NEEDED)
            .select_related("site__branch__organisation", "site__customer")
        )
        for system in short:
            with transaction.atomic():
                open_gap(system, track, at=now, count=getattr(system, "qualified", 0))
                opened += 1
    return {"training_gaps_opened": opened}
