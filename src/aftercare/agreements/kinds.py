"""What a kind of plan tells the one agreement workflow (maintenance plans, training plans).

An app declares its kind in its AppConfig (``agreement_kinds = {"maintenance":
"aftercare.maintenance.agreement.KIND"}``); the workflow, its API and its pages know a kind only
through this interface, so they never import the app that owns it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from django import forms
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from aftercare.errors import Errors, InvalidInput

if TYPE_CHECKING:
    from aftercare.agreements.models import Agreement, AgreementVersion
    from aftercare.org.models import User


class TermsForm(forms.Form):
    """A kind's page form for a version's terms (the edit and revise pages show it
    generically). It is given the plan, whose site decides the choices (its systems)."""

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        self.agreement = agreement
        super().__init__(*args, **kwargs)

    def terms(self) -> dict[str, Any]:
        """The cleaned data as terms, as `PlanKind.clean_terms` takes them: by default each
        field is the term of its name; a kind whose fields differ from its terms says how."""
        return dict(self.cleaned_data)

    @classmethod
    def initial_from(cls, terms: Mapping[str, Any]) -> dict[str, Any]:
        """The form's initial values from a version's terms: by default the terms named like
        the form's fields."""
        return {name: terms[name] for name in cls.base_fields if name in terms}


class PlanKind(Protocol):
    code: str
    label: StrOrPromise
    #: Checked on the agreement's branch by every move of the workflow (draft, submit, record
    #: the owner's confirmation or return, revise).
    change_permission: str
    #: The read scope of the kind's plans (list, page, versions, compare).
    view_permission: str
    #: The page form of the terms, for the revise page.
    terms_form: type[TermsForm]

    def clean_terms(
        self, agreement: Agreement, terms: Mapping[str, Any], errors: Errors
    ) -> dict[str, Any]:
        """The terms checked and normalised (JSON-ready); problems added to `errors`.

        The answer names every term of the kind (defaults filled in), so a revision's changes
        can be checked against the terms a version has."""
        ...

    def describe(self, terms: Mapping[str, Any]) -> list[tuple[StrOrPromise, str]]:
        """(label, value) rows of the terms in the reader's language: the side-by-side compare."""
        ...

    def confirmed(
        self, agreement: Agreement, version: AgreementVersion, *, by: User, at: datetime
    ) -> None:
        """The owner confirmed `version` (inside that transaction): delivery may start."""
        ...

    def revised(
        self, agreement: Agreement, version: AgreementVersion, *, by: User, at: datetime
    ) -> None:
        """A confirmed plan got a new draft version: delivery of what changes waits for it."""
        ...

    def url(self, agreement: Agreement) -> str:
        """The plan's own page."""
        ...


def kind_of(code: str) -> PlanKind:
    """The installed kind with this code; an unknown kind is refused, never guessed."""
    from aftercare.apps import agreement_kinds

    paths = agreement_kinds()
    if code not in paths:
        message = _("Unknown kind of plan.")
        raise InvalidInput(message, code="unknown_kind", fields={"kind": [message]})
    kind: PlanKind = import_string(paths[code])
    return kind
