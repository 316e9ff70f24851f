"""Mounted at ``i18n/``, where Django's own switcher used to be: same path, same name."""

from django.urls import path

from aftercare.org.language import set_language

urlpatterns = [path("setlang/", set_language, name="set_language")]
