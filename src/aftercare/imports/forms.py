from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.imports.models import ImportJob
from aftercare.org.models import Branch

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.csv", "class": "form-control", "autofocus": True}
        ),
    )
    mode = forms.ChoiceField(
        label=_("When some rows are invalid"),
        choices=ImportJob.Mode.choices,
        initial=ImportJob.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    branch = forms.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff import into their own branch; an administrator without one picks it.
        if user.branch_id is None:
            self.fields["branch"].queryset = Branch.objects.filter(
                organisation_id=user.organisation_id
            )
            self.fields["branch"].required = True
            self.fields["branch"].widget.attrs["class"] = "form-select"
        else:
            del self.fields["branch"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class FormatForm(forms.Form):
    format = forms.ChoiceField(choices=ImportJob.Format.choices, required=False)
