"""Statements compiled once (aftercare/statements.py) answer as the queryset itself would."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftercare.org.models import Absence, User
from aftercare.statements import Prepared


def users_by_id(pk: int):
    return User.objects.select_related("organisation", "branch").filter(pk=pk)[:1]


def test_each_run_answers_for_its_own_values_with_related_objects(desk):
    statement = Prepared(users_by_id, pk=int)
    for user in (desk.alice, desk.sam, desk.carol, desk.alice):
        (row,) = statement.run(pk=user.pk)
        assert (row.pk, row.username) == (user.pk, user.username)
        with CaptureQueriesContext(connection) as captured:
            assert row.branch.name == user.branch.name  # read with the user
            assert row.organisation.name == desk.org.name
        assert captured.captured_queries == []
    assert statement.run(pk=10**9) == []


def test_moments_and_values_rows_come_back_converted(desk):
    now = timezone.now()
    Absence.objects.create(
        user=desk.alice, stand_in=desk.bob, recorded_by=desk.sam,
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1),
    )  # fmt: skip
    statement = Prepared(
        lambda user, at: (
            Absence.objects.active(at).filter(user_id=user).values("stand_in_id", "starts_at")
        ),
        user=int,
        at=datetime,
    )
    (row,) = statement.run(user=desk.alice.pk, at=now)
    assert row["stand_in_id"] == desk.bob.pk
    assert row["starts_at"] == now - timedelta(hours=1)  # a datetime, not text (SQLite)
    assert statement.run(user=desk.alice.pk, at=now + timedelta(hours=2)) == []
    assert statement.run(user=desk.bob.pk, at=now) == []


def test_a_prefix_is_matched_as_typed_wildcards_included(desk):
    """`startswith` patterns are rebuilt per run: "_" and "%" typed by a user match only
    themselves, as they do in the queryset."""
    for name in ("ab_1", "abx1", "ab%2"):
        User.objects.create(username=name, organisation=desk.org)
    statement = Prepared(
        lambda text: User.objects.filter(username__startswith=text).order_by("username"),
        text=str,
    )

    def names(text: str) -> list[str]:
        return [user.username for user in statement.run(text=text)]

    assert names("ab_") == ["ab_1"]
    assert names("ab%") == ["ab%2"]
    assert names("ab") == ["ab%2", "ab_1", "abx1"]
    assert names("") == sorted(User.objects.values_list("username", flat=True))
    assert names("zz") == []


def test_a_value_the_sql_transforms_is_refused_when_first_compiled(db):
    statement = Prepared(lambda text: User.objects.filter(username__contains=text), text=str)
    with pytest.raises(ImproperlyConfigured, match="text"):
        statement.run(text="ali")
