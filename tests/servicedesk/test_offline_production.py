"""The field pages' service worker in production mode (hashed, collected static files served by
WhiteNoise): it names the app shell by the hashed URLs the pages link, and each is served."""

import json

import pytest

from tests.test_production import fetch, production_server

__all__ = ["production_server"]  # the fixture, started once for this module

pytestmark = pytest.mark.embedded


def test_the_service_worker_keeps_the_hashed_shell_that_production_serves(production_server):
    status, headers, text = fetch(production_server + "/hotline/field/sw.js")
    assert status == 200, text[:500]
    assert headers["Content-Type"].startswith("text/javascript")
    assert headers["Service-Worker-Allowed"] == "/hotline/field/"
    settings = json.loads(text.split("\n", 1)[0].removeprefix("const FIELD_WORKER = ").rstrip(";"))
    assert settings["scope"] == "/hotline/field/"
    queue = [url for url in settings["shell"] if "/js/fieldqueue." in url]
    assert queue and queue[0] != "/static/js/fieldqueue.js"  # the hashed name
    for url in settings["shell"]:
        assert fetch(production_server + url)[0] == 200, url
