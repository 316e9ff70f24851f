"""`{% html_lang %}`: the active language as the BCP 47 tag that `<html lang>` wants."""

from django import template
from django.conf import settings
from django.utils import translation

register = template.Library()


@register.simple_tag
def html_lang() -> str:
    """`zh-Hant`, `zh-Hans` or `en`: Django's codes are lower case (`zh-hant`), and browsers,
    screen readers and translation tools pick a voice or font by the script subtag's case."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    return translation.to_locale(code).replace("_", "-")
