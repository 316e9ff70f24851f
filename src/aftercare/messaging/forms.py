from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.messaging.choices import MessageStatus


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(MessageStatus.choices),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
