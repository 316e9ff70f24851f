"""The rulebook as an organisation sees it: defaults beside its overrides."""

from dataclasses import dataclass

from django.db.models import QuerySet

from aftercare.org.models import Organisation
from aftercare.standard.models import CalendarDay, RuleSetting
from aftercare.standard.rules import DEFAULT_RULES, Rule


@dataclass(frozen=True)
class RuleRow:
    default: Rule
    effective: Rule
    overridden: bool


def rulebook(organisation: Organisation) -> list[RuleRow]:
    settings = {s.rule_id: s for s in RuleSetting.objects.filter(organisation=organisation)}
    rows = []
    for rule in DEFAULT_RULES:
        setting = settings.get(rule.id)
        effective = rule
        if setting is not None:
            effective = rule.with_overrides(
                opens_after=setting.opens_after,
                due_after=setting.due_after,
                day_count=setting.day_count or None,
                enabled=setting.enabled,
            )
        rows.append(RuleRow(default=rule, effective=effective, overridden=setting is not None))
    return rows


def calendar_days(organisation: Organisation) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(organisation=organisation).order_by("day")
