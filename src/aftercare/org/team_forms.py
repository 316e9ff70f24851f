"""Forms of the team pages: recording an absence and its stand-in (DS-10)."""

from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftercare.formfields import MomentField
from aftercare.org.models import User


class StaffChoiceField(forms.ModelChoiceField[User]):
    """Staff by name and login; with `open_work`, how many obligations each one has open."""

    open_work: Mapping[int, int] | None = None

    def label_from_instance(self, obj: User) -> str:
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

    def __init__(
        self,
        *args: Any,
        staff: QuerySet[User],
        tz: tzinfo,
        open_work: Mapping[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        user, stand_in = self.fields["user"], self.fields["stand_in"]
        starts_at, ends_at = self.fields["starts_at"], self.fields["ends_at"]
        assert isinstance(user, StaffChoiceField) and isinstance(stand_in, StaffChoiceField)
        assert isinstance(starts_at, MomentField) and isinstance(ends_at, MomentField)
        user.queryset = staff
        user.open_work = open_work
        stand_in.queryset = staff
        starts_at.tz = tz
        ends_at.tz = tz
