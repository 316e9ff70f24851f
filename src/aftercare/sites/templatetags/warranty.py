"""`{% warranty_badge state ends_on %}`: a warranty's state as a badge (site, system and item
pages). A tag rather than an included template: a site page shows one per system, and an
include with two blocktranslates cost a few hundred microseconds a row."""

from datetime import date

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def warranty_badge(state: str, ends_on: date | None) -> SafeString:
    """`state` as ``queries.warranty_state`` gives it: running, ended or not started."""
    end = ends_on.strftime("%Y-%m-%d") if ends_on is not None else ""
    if state == "running":
        text, colour = _("In warranty until %(end)s") % {"end": end}, "success"
    elif state == "ended":
        text, colour = _("Warranty ended %(end)s") % {"end": end}, "secondary"
    else:
        text, colour = _("Not accepted yet"), "warning"
    return format_html('<span class="badge text-bg-{} warranty">{}</span>', colour, text)
