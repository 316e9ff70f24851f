"""A review on paper: the print/PDF context and the .xlsx rows (one template, one row list)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftercare.cases.models import Kind
from aftercare.followups.choices import Direction, Purpose
from aftercare.paperwork.rendering import workbook
from aftercare.standard.rules import RULES

FIGURE_LABELS = [
    ("due", gettext_lazy("Due or done")),
    ("on_time", gettext_lazy("On time")),
    ("late", gettext_lazy("Late")),
    ("early", gettext_lazy("Early")),
    ("open", gettext_lazy("Due later")),  # the key stays `open`: frozen reviews use it
    ("overdue", gettext_lazy("Overdue")),
    ("cancelled", gettext_lazy("Cancelled")),
]


def rule_title(rule_id: str) -> str:
    rule = RULES.get(rule_id)
    return str(rule.title) if rule else rule_id


def rate_text(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def duration_text(hours) -> str:
    """A duration given in hours, in the unit a reader takes in at a glance: "2 min" under an
    hour, "3.5 h" under a day, "2.1 d" beyond ("0.03 hours" said nothing to a supervisor).
    None (nothing closed yet) is a dash."""
    if hours is None:
        return "—"
    hours = float(hours)
    if hours < 1:
        minutes = round(hours * 60)
        if minutes < 1:
            return _("under 1 min") if hours > 0 else _("%(n)s min") % {"n": 0}
        return _("%(n)s min") % {"n": minutes}
    if hours < 24:
        return _("%(n)s h") % {"n": f"{hours:.1f}"}
    return _("%(n)s d") % {"n": f"{hours / 24:.1f}"}


def labelled(figures: dict) -> dict:
    """The stored figures with translated names added for display (the JSON stays codes)."""
    figures = dict(figures or {})
    for row in figures.get("by_rule", []):
        row["title"] = rule_title(row["rule"])
    for row in figures.get("items", []):
        row["kind_label"] = Kind(row["kind"]).label if row["kind"] in Kind.values else row["kind"]
    for row in figures.get("calls", []):
        row["purpose_label"] = (
            Purpose(row["purpose"]).label if row["purpose"] in Purpose.values else row["purpose"]
        )
        row["direction_label"] = (
            Direction(row["direction"]).label
            if row["direction"] in Direction.values
            else row["direction"]
        )
    return figures


def print_context(review) -> dict:
    return {
        "review": review,
        "branch": review.branch,
        "organisation": review.branch.organisation,
        "figures": labelled(review.figures),
        "figure_labels": FIGURE_LABELS,
        "printed_at": timezone.localtime(timezone.now(), review.branch.organisation.tz),
    }


def filename(review) -> str:
    return f"{review.branch.code}-{review.kind}-{review.period}"


def xlsx_rows(review) -> tuple[list[str], list[list]]:
    figures = review.figures or {}
    headers = [_("Group"), _("Name")] + [str(label) for _name, label in FIGURE_LABELS]
    headers.append(_("On-time rate"))

    def line(group, name, row):
        return [group, name, *[row.get(key, 0) for key, _label in FIGURE_LABELS],
                rate_text(row.get("on_time_rate"))]  # fmt: skip

    rows = [line(row["rule"], rule_title(row["rule"]), row) for row in figures.get("by_rule", [])]
    rows.append(line(_("Total"), "", figures.get("total", {})))
    rows += [line(_("Advisor"), row["owner"], row) for row in figures.get("by_owner", [])]
    rows += [line(_("Month"), row["month"], row) for row in figures.get("months", [])]
    return headers, rows


def xlsx(review) -> bytes:
    headers, rows = xlsx_rows(review)
    title = _("%(kind)s %(period)s — %(branch)s") % {
        "kind": review.get_kind_display(), "period": review.period, "branch": review.branch.name,
    }  # fmt: skip
    return workbook(headers, rows, sheet_title=review.period, title_lines=[title])
