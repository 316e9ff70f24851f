from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.formfields import FilterDateField
from aftercare.obligations.choices import Status
from aftercare.obligations.models import Obligation
from aftercare.obligations.queries import FIGURE_STATUSES
from aftercare.standard.rules import RULES


class FulfilForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), max_length=500, required=False)


class ObligationFilterForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("Rule"), required=False, choices=[("", _("All rules"))] + [(r, r) for r in RULES]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    owner = forms.IntegerField(label=_("Owner"), required=False, widget=forms.HiddenInput)
    # The supervisor dashboard's drill-downs: one figure of a branch over local due dates.
    branch = forms.IntegerField(required=False, widget=forms.HiddenInput)
    figure = forms.ChoiceField(
        required=False, widget=forms.HiddenInput,
        choices=[("", "")] + [(name, name) for name in FIGURE_STATUSES],
    )  # fmt: skip
    due_from = FilterDateField(label=_("Due from"), widget=forms.HiddenInput)
    due_to = FilterDateField(label=_("Due to"), widget=forms.HiddenInput)


class ReassignForm(forms.Form):
    """A supervisor hands one piece of work to a colleague of its branch (DS-10's one-off)."""

    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("New owner"), queryset=None, empty_label=None
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args: Any, obligation: Obligation, **kwargs: Any) -> None:
        from aftercare.org.models import User

        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = (
            User.objects.filter(is_active=True, branch_id=obligation.branch_id)
            .exclude(pk=obligation.owner_id)
            .order_by("username")
        )


class CancelForm(forms.Form):
    """Cancelling needs a reason: it stays on the record and in the history."""

    reason = forms.CharField(label=_("Reason"), max_length=500)
