"""`{% phone number %}`: a stored E.164 number shown the way the shop's staff dial it."""

from django import template

from aftercare.customers.identifiers import display_phone

register = template.Library()


@register.simple_tag(takes_context=True)
def phone(context, number: str) -> str:
    """Grouped nationally for the organisation's own region, with the country code otherwise."""
    user = getattr(context.get("request"), "user", None)
    organisation = getattr(user, "organisation", None)
    return (
        display_phone(number or "", getattr(organisation, "region", None) or "CN") if number else ""
    )
