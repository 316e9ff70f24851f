"""The worklist: own pending work plus stand-in work (DS-10), ordered by due moment."""

import pytest

from aftercare.obligations import actions, queries
from aftercare.org.actions import record_absence
from tests.obligations.helpers import at

pytestmark = pytest.mark.django_db


def open_for(desk, owner, rule, event_at):
    return actions.open_obligation(rule, branch=owner.branch, owner=owner, event_at=event_at)


def test_worklist_is_own_pending_work_by_due_moment(desk):
    late = open_for(desk, desk.alice, "DS-3", at(2026, 3, 1, 9))
    early = open_for(desk, desk.alice, "DS-1", at(2026, 3, 1, 9))
    done = open_for(desk, desk.alice, "DS-2", at(2026, 3, 1, 9))
    actions.fulfil(done, by=desk.alice, at=at(2026, 3, 1, 10))
    open_for(desk, desk.bob, "DS-1", at(2026, 3, 1, 9))
    rows = list(queries.worklist(desk.alice, now=at(2026, 3, 2, 9)))
    assert [row.pk for row in rows] == [early.pk, late.pk]
    assert [row.status for row in rows] == ["open", "upcoming"]


def test_stand_in_carries_absentees_work_for_exactly_the_absence(desk):
    bobs = open_for(desk, desk.bob, "DS-1", at(2026, 3, 1, 9))
    record_absence(
        desk.bob, starts_at=at(2026, 3, 2, 0), ends_at=at(2026, 3, 4, 0), stand_in=desk.alice,
        by=desk.sam,
    )  # fmt: skip
    ids = lambda now: [row.pk for row in queries.worklist(desk.alice, now=now)]  # noqa: E731
    assert ids(at(2026, 3, 1, 23, 59)) == []
    assert ids(at(2026, 3, 2, 0, 0)) == [bobs.pk]
    assert ids(at(2026, 3, 3, 23, 59)) == [bobs.pk]
    assert ids(at(2026, 3, 4, 0, 0)) == []
    # The absentee still sees their own work, and the record keeps who actually did it.
    assert [row.pk for row in queries.worklist(desk.bob, now=at(2026, 3, 2, 9))] == [bobs.pk]
    [row] = queries.with_acting_owner([bobs], now=at(2026, 3, 2, 9))
    assert (row.owner_id, row.acting_owner_id) == (desk.bob.pk, desk.alice.pk)
    done = actions.fulfil(bobs, by=desk.alice, at=at(2026, 3, 2, 10))
    assert (done.owner, done.done_by) == (desk.bob, desk.alice)


def test_absence_must_name_someone_else_and_end_after_start(desk):
    from aftercare.errors import InvalidInput, NotAllowed
    from aftercare.org.models import Absence

    with pytest.raises(InvalidInput):
        record_absence(
            desk.bob, starts_at=at(2026, 3, 2), ends_at=at(2026, 3, 1), stand_in=desk.alice,
            by=desk.sam,
        )  # fmt: skip
    with pytest.raises(NotAllowed):
        record_absence(
            desk.carol, starts_at=at(2026, 3, 1), ends_at=at(2026, 3, 2), stand_in=desk.alice,
            by=desk.sam,
        )  # fmt: skip
    assert not Absence.objects.exists()


def test_worklist_sections_split_by_local_day(desk):
    overdue = open_for(desk, desk.alice, "DS-1", at(2026, 2, 20, 9))  # due 02-22
    today = open_for(desk, desk.alice, "DS-1", at(2026, 2, 23, 9))  # due 02-25
    later = open_for(desk, desk.alice, "DS-1", at(2026, 2, 24, 9))  # due 02-26
    upcoming = open_for(desk, desk.alice, "DS-3", at(2026, 2, 24, 9))  # opens 02-27
    sections = queries.worklist_sections(desk.alice, now=at(2026, 2, 25, 8), tz=desk.org.tz)
    assert [o.pk for o in sections.overdue] == [overdue.pk]
    assert [o.pk for o in sections.today] == [today.pk]
    assert [o.pk for o in sections.open] == [later.pk]
    assert [o.pk for o in sections.upcoming] == [upcoming.pk]
