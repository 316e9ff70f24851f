"""The portal speaks the owner's language: Traditional and Simplified Chinese, and English."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from tests.portal.helpers import NOW, two_owners

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _built(build_once):
    with build_once(two_owners) as built:
        yield built


@pytest.mark.parametrize(
    ("language", "html_lang"), [("zh-hant", "zh-Hant"), ("zh-hans", "zh-Hans"), ("en", "en")]
)
@pytest.mark.parametrize(
    "name", ["portal:home", "portal:report", "portal:tickets", "portal:plans", "portal:equipment",
             "portal:documents", "portal:training", "portal:bills", "portal:reports"],
)  # fmt: skip
def test_every_page_in_each_language(client, db, _built, language, html_lang, name):
    client.force_login(_built.a.owner)
    client.cookies["django_language"] = language
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse(name), headers={"accept-language": language})
    assert page.status_code == 200
    text = page.content.decode()
    assert f'lang="{html_lang}"' in text
    # The words the catalogues translate already are in the chosen language (the portal's new
    # words follow once their translations are in the .po files).
    with translation.override(language):
        for words in ("Log out", "Change password", "Language"):
            assert translation.gettext(words) in text
    if language == "en":
        assert "Report a fault" in text
