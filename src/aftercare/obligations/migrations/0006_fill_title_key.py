"""Step 2 of 3: give existing obligations a title code and its data where they can be rebuilt.

Only titles that held words of a language are rebuilt, each from its subject (not by parsing
the stored text, which was worded in whatever language was active): DS-11 from the review's
kind and period, DS-12 from the bin, DS-13 from the equipment and the kind of duty, DS-2M from
the vehicle and the date in its stored title. A row whose subject is gone or does not fit gets
an empty key and keeps showing its stored title; so do the titles made only of names, plates
and campaign names (DS-1 to DS-7L), which read the same in every language. The stored `title`
is never changed.
"""

import re

from django.db import migrations

ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*$")


# One query per chunk for the subject and what its title names, not three per row.
RELATED = {"binperiod": ["bin__place"], "equipmentdue": ["equipment__place"]}


def _subjects(apps, app_label, model, ids):
    try:
        Model = apps.get_model(app_label, model)
    except LookupError:
        return {}
    return Model.objects.select_related(*RELATED.get(model, [])).in_bulk(ids)


def _rebuild(apps, obligation, subjects):
    """(key, params) for one row, or None when it cannot be rebuilt."""
    subject = subjects.get(obligation.subject_type_id, {}).get(obligation.subject_id)
    if subject is None:
        return None
    rule = obligation.rule
    if rule == "DS-11":
        kind, period = subject.kind, subject.period
        if kind == "monthly" and re.fullmatch(r"\d{4}-\d{2}", period):
            year, month = period.split("-")
            return "review_monthly", {"year": int(year), "month": int(month)}
        if kind == "yearly" and re.fullmatch(r"\d{4}", period):
            return "review_yearly", {"year": int(period)}
        return None
    if rule == "DS-12":
        bin_ = subject.bin
        params = {"place": bin_.place.name, "label": bin_.label}
        if bin_.clear_at is not None:
            return "bin_at", {**params, "time": bin_.clear_at.strftime("%H:%M")}
        return "bin", params
    if rule == "DS-13":
        item = subject.equipment
        params = {"kind": item.kind, "label": item.label, "place": item.place.name}
        return f"equipment_{subject.kind}", params
    if rule == "DS-2M":
        found = ISO_DATE.search(obligation.title or "")
        if found is None:
            return None
        return "maintenance", {"plate": subject.plate, "date": found.group(1)}
    return None


SUBJECTS = {
    "DS-11": ("reviews", "review"),
    "DS-12": ("safety", "binperiod"),
    "DS-13": ("safety", "equipmentdue"),
    "DS-2M": ("customers", "vehicle"),
}


def fill(apps, schema_editor):
    Obligation = apps.get_model("obligations", "Obligation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for rule, (app_label, model) in SUBJECTS.items():
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if content_type is None:
            continue
        rows = Obligation.objects.filter(
            rule=rule, subject_type=content_type, title_key__isnull=True
        ).order_by("pk")
        last = 0
        while True:
            chunk = list(rows.filter(pk__gt=last)[:2000])
            if not chunk:
                break
            last = chunk[-1].pk
            ids = [row.subject_id for row in chunk]
            subjects = {content_type.pk: _subjects(apps, app_label, model, ids)}
            for row in chunk:
                rebuilt = _rebuild(apps, row, subjects)
                if rebuilt is not None:
                    row.title_key, row.title_params = rebuilt
                    row.save(update_fields=["title_key", "title_params"])
    # Everything else: no key, so the stored title is what is shown.
    Obligation.objects.filter(title_key__isnull=True).update(title_key="", title_params={})
    Historical = apps.get_model("obligations", "HistoricalObligation")
    Historical.objects.filter(title_key__isnull=True).update(title_key="", title_params={})


def unfill(apps, schema_editor):
    """Back to step 1: the columns are dropped by the reverse of 0004; nothing to keep."""


class Migration(migrations.Migration):
    dependencies = [
        ("obligations", "0005_title_key_nullable"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0003_branch_search_indexes"),
        ("reviews", "0001_initial"),
        ("safety", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, unfill, elidable=False)]
