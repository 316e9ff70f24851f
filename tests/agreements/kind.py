"""A kind of plan for the workflow's own tests: a note of hours and topics, recording what the
workflow told it. Registered in place of the installed kinds by the `note_kind` fixture."""

from collections.abc import Mapping
from typing import Any

from django import forms

from aftercare.agreements.kinds import TermsForm
from aftercare.errors import Errors

CALLS: list[tuple[str, int]] = []


class NoteForm(TermsForm):
    """Fields named as the terms: the base form's own `terms` and `initial_from` serve."""

    hours = forms.IntegerField(min_value=1, max_value=100)


class NoteKind:
    code = "maintenance"
    label = "Note plan"
    change_permission = "sites.change_site"
    view_permission = "sites.view_site"
    terms_form = NoteForm

    def clean_terms(self, agreement, terms: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
        hours = terms.get("hours")
        if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 100:
            errors.add("hours", "Between 1 and 100 hours.")
        topics = terms.get("topics", [])
        if not isinstance(topics, list):
            errors.add("topics", "A list of topics.")
            topics = []
        return {"hours": hours, "topics": topics}

    def describe(self, terms: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [("Hours", str(terms["hours"])), ("Topics", ", ".join(terms["topics"]) or "—")]

    def confirmed(self, agreement, version, *, by, at) -> None:
        CALLS.append(("confirmed", version.number))

    def revised(self, agreement, version, *, by, at) -> None:
        CALLS.append(("revised", version.number))

    def url(self, agreement) -> str:
        return f"/sites/{agreement.site_id}/"


KIND = NoteKind()
