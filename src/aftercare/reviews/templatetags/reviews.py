"""Small display filters of the dashboard and the reviews (codes → translated labels)."""

from django import template

from aftercare.cases.models import Kind
from aftercare.followups.choices import Direction, Purpose
from aftercare.reviews.exports import FIGURE_LABELS, duration_text, rate_text, rule_title

register = template.Library()
_FIGURES = dict(FIGURE_LABELS)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def percent(rate) -> str:
    return rate_text(rate)


@register.filter
def duration(hours) -> str:
    """Every duration on the dashboard, the review page and its print/PDF goes through here."""
    return duration_text(hours)


@register.filter(name="rule_title")
def rule_title_filter(rule_id: str) -> str:
    return rule_title(rule_id)


@register.filter
def figure_label(name: str) -> str:
    from django.utils.translation import gettext as _

    if name == "on_time_rate":
        return _("On-time rate")
    if name == "calls":
        return _("Calls")
    return str(_FIGURES.get(name, name))


@register.filter
def item_kind(code: str) -> str:
    return Kind(code).label if code in Kind.values else code


@register.filter
def call_purpose(code: str) -> str:
    return Purpose(code).label if code in Purpose.values else code


@register.filter
def call_direction(code: str) -> str:
    return Direction(code).label if code in Direction.values else code


@register.simple_tag
def figure_names():
    return [name for name, _label in FIGURE_LABELS]


@register.simple_tag(name="figure_labels")
def figure_labels_tag():
    return FIGURE_LABELS
