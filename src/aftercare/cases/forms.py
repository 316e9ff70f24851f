"""Forms of the raised-item pages: the list's filters and one form per move (DS-4, DS-5)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.cases.models import Kind, State, ToldBy
from aftercare.formfields import FilterDateField


class ItemFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *State.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )  # fmt: skip
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *Kind.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )  # fmt: skip
    open = forms.BooleanField(label=_("Only open ones"), required=False)
    branch = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("from", _("Raised from")), ("to", _("Raised until"))):
            self.fields[name] = FilterDateField(
                label=label,
                widget=forms.DateInput(
                    attrs={"type": "date", "class": "form-control form-control-sm"}
                ),
            )


class NoteForm(forms.Form):
    """Research and escalation carry an optional note for the timeline."""

    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip

    def arguments(self) -> dict:
        return {"note": self.cleaned_data["note"]}


class SolutionForm(forms.Form):
    text = forms.CharField(
        label=_("Solution"), max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )  # fmt: skip

    def arguments(self) -> dict:
        return {"text": self.cleaned_data["text"]}


class InformForm(forms.Form):
    """The customer was told the solution; their satisfaction closes the item (DS-5)."""

    told_by = forms.ChoiceField(
        label=_("How was the customer told?"), choices=ToldBy.choices, widget=forms.RadioSelect,
    )  # fmt: skip
    satisfied = forms.TypedChoiceField(
        label=_("Customer satisfied?"), choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect,
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {"satisfied": data["satisfied"], "note": data["note"], "told_by": data["told_by"]}
