"""The data migration (obligations 0006): rows stored before title codes existed are rebuilt
from their subjects where their words were generated; every other row keeps its stored title,
and no stored title is changed."""

from datetime import date, time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import translation

from aftercare.obligations.actions import open_obligation
from aftercare.obligations.models import Obligation
from aftercare.reviews import actions as reviews
from aftercare.safety import actions as safety
from aftercare.safety.models import BinPeriod
from tests.factories import CustomerFactory, VehicleFactory
from tests.obligations.helpers import at
from tests.safety.helpers import place

BEFORE = [("obligations", "0005_title_key_nullable")]

# What the rows held before: titles frozen in Traditional Chinese at creation.
OLD = {
    "DS-12": "於 17:30 前清理廢棉紗/抹布存放點 油漆房 · 廢布桶 1",
    "DS-11": "2026-11 月度總結：撰寫總結",
    "DS-2M": "京A12345 2026-12-10",
    "DS-1": "張三 京A12345",
    "gone": "清理廢棉紗/抹布存放點 已拆除",
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def real_migrations(settings):
    """The suite builds its database from the models (`--no-migrations`, 45 s faster), which
    leaves no migration recorded. Here the real migrations are back, recorded as applied (the
    models and the migrations agree: `makemigrations --check` in CI), so this test can step
    back to before 0006 and run it forwards for real."""
    settings.MIGRATION_MODULES = {}
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    applied = recorder.applied_migrations()
    for app_label, name in MigrationExecutor(connection).loader.graph.nodes:
        if (app_label, name) not in applied:
            recorder.record_applied(app_label, name)


@pytest.mark.django_db(transaction=True)
def test_old_rows_are_rebuilt_where_possible_and_keep_their_text_otherwise(desk, real_migrations):
    migrate(BEFORE)
    try:
        # The current models fit the step-1 schema (the new columns exist, nullable).
        bin_ = safety.add_bin(
            place=place(desk), by=desk.sam, label="廢布桶 1", owner=desk.alice,
            starts_on=date(2026, 3, 2), clear_at=time(17, 30), now=at(2026, 3, 2, 8),
        )  # fmt: skip
        review, _created = reviews.draft_review(
            desk.branch_a, kind="monthly", period="2026-11", now=at(2026, 12, 3, 9)
        )
        vehicle = VehicleFactory(customer=CustomerFactory(branch=desk.branch_a), plate="京A12345")
        kw = {"branch": desk.branch_a, "owner": desk.alice, "event_at": at(2026, 12, 1, 9)}
        open_obligation("DS-2M", subject=vehicle, **kw)
        open_obligation("DS-1", title=OLD["DS-1"], **kw)
        gone = open_obligation("DS-12", title=OLD["gone"], **kw)
        Obligation.objects.filter(pk=gone.pk).update(
            subject_type=ContentType.objects.get_for_model(BinPeriod), subject_id=999_999
        )
        for rule in ("DS-12", "DS-11", "DS-2M", "DS-1"):
            Obligation.objects.filter(rule=rule).exclude(pk=gone.pk).update(title=OLD[rule])
        Obligation.objects.update(title_key=None, title_params=None)
        assert review.pk and bin_.pk
    finally:
        migrate(latest())

    rows = {o.rule if o.pk != gone.pk else "gone": o for o in Obligation.objects.all()}
    assert {rule: o.title for rule, o in rows.items()} == OLD  # nothing stored is lost
    assert rows["DS-12"].title_key == "bin_at"
    assert rows["DS-12"].title_params == {"place": "油漆房", "label": "廢布桶 1", "time": "17:30"}
    assert rows["DS-11"].title_params == {"year": 2026, "month": 11}
    assert rows["DS-2M"].title_params == {"plate": "京A12345", "date": "2026-12-10"}
    assert (rows["DS-1"].title_key, rows["gone"].title_key) == ("", "")
    with translation.override("en"):
        shown = {rule: o.display_title for rule, o in rows.items()}
    assert shown == {
        "DS-12": "Clear the rag bin 油漆房 · 廢布桶 1 (usual time 17:30, due end of day)",
        "DS-11": "November 2026 review: write the summary",
        "DS-2M": "京A12345: maintenance due on 2026-12-10",
        "DS-1": OLD["DS-1"],
        "gone": OLD["gone"],
    }
