"""Forms of the team pages: recording an absence and its stand-in (DS-10)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftercare.formfields import MomentField


class StaffChoiceField(forms.ModelChoiceField):
    """Staff by name and login; with `open_work`, how many obligations each one has open."""

    open_work: dict | None = None

    def label_from_instance(self, obj) -> str:
        label = f"{obj} ({obj.username})"
        if self.open_work is not None:
            count = self.open_work.get(obj.pk, 0)
            label += " — " + ngettext("%(n)s open obligation", "%(n)s open obligations", count) % {
                "n": count
            }
        return label


class AbsenceForm(forms.Form):
    user = StaffChoiceField(
        label=_("Absent staff member"), queryset=None,
        widget=forms.Select(attrs={"class": "form-select", "autofocus": True}),
    )  # fmt: skip
    starts_at = MomentField(label=_("From"))
    ends_at = MomentField(label=_("To"))
    stand_in = StaffChoiceField(
        label=_("Stand-in"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip

    def __init__(self, *args, staff, tz, open_work=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff
        self.fields["user"].open_work = open_work
        self.fields["stand_in"].queryset = staff
        self.fields["starts_at"].tz = tz
        self.fields["ends_at"].tz = tz
