"""The tick opens BS-2 for a key system with fewer than two qualified people (a system marked
key on the sites pages), once; the demo's training world and its removal."""

import pytest
import time_machine
from django.utils import timezone

from aftercare.agreements.models import Agreement, AgreementVersion
from aftercare.obligations.models import Obligation
from aftercare.sites.models import System
from aftercare.training import demo, queries, tick
from aftercare.training.models import CoverageGap, Qualification, Trainee, TrainingPlan
from tests.training.helpers import at, confirmed_plan, end, qualify, world

pytestmark = pytest.mark.django_db


def test_tick_opens_bs2_once_for_each_short_track_of_a_key_system():
    with time_machine.travel(at(2026, 8, 20, 9, 0), tick=False):
        w = world()
        plan = confirmed_plan(w)
        qualify(w, plan, w.staff[:2], at(2026, 8, 10, 9, 0))
        CoverageGap.objects.all().delete()
        Obligation.objects.filter(rule="BS-2").delete()
    now = at(2026, 9, 1, 8, 0)
    assert tick.run(now) == {"training_gaps_opened": 3}  # cctv × 2, alarm managers
    duties = Obligation.objects.filter(rule="BS-2")
    assert {(d.title_params["system"], d.title_params["track"]) for d in duties} == {
        (w.b.cctv.name, "operator"), (w.b.cctv.name, "manager"), (w.alarm.name, "manager"),
    }  # fmt: skip
    assert all(d.owner == w.cora and d.due_at == end(2026, 10, 1) for d in duties)
    assert tick.run(now) == {"training_gaps_opened": 0}
    # A system marked key later is picked up by the next tick.
    System.objects.filter(pk=w.b.fire.pk).update(key=True)
    assert tick.run(at(2026, 9, 2, 8, 0)) == {"training_gaps_opened": 2}


def test_tick_without_a_coordinator_gives_bs2_to_the_supervisor():
    with time_machine.travel(at(2026, 8, 20, 9, 0), tick=False):
        w = world()
        w.cora.groups.clear()
    tick.run(at(2026, 9, 1, 8, 0))
    assert {d.owner for d in Obligation.objects.filter(rule="BS-2")} == {w.b.sam}


def test_demo_training_has_a_green_and_a_red_key_system_and_is_removed_cleanly():
    with time_machine.travel(at(2026, 8, 20, 9, 0), tick=False):
        w = world()
        Trainee.objects.all().delete()
        now = timezone.now()
        demo.load(w.b.org, now)
        demo.load(w.b.org, now)  # a second run adds nothing
        assert Trainee.objects.count() == 4
        plan = TrainingPlan.objects.get()
        assert plan.system == w.b.cctv
        assert Qualification.objects.filter(lost_at__isnull=True).count() == 2
        cells = {
            (row.system.pk, cell.track): cell for row in queries.coverage(w.b.site)
            for cell in row.cells
        }  # fmt: skip
        assert cells[(w.b.cctv.pk, "operator")].ok
        assert not cells[(w.alarm.pk, "operator")].ok
        assert cells[(w.alarm.pk, "operator")].obligation is not None
        assert queries.plan_flags(plan)  # someone below the plan's English requirement
        demo.remove(w.b.org)
        assert not Trainee.objects.exists() and not TrainingPlan.objects.exists()
        assert not Agreement.objects.exists() and not AgreementVersion.objects.exists()
        assert not CoverageGap.objects.exists()
        assert not Obligation.objects.filter(rule__in=["BS-2", "BS-11"]).exists()
