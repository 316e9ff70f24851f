"""What a user sees when something is wrong: the site's own pages, in their language, with a
way home; and the Content-Security-Policy on every page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import path

from tests.factories import UserFactory


def fails(request):
    raise RuntimeError("deliberate failure for the 500 page test")


def refuses(request):
    raise PermissionDenied


urlpatterns = [
    path("fails/", fails),
    path("refuses/", refuses),
]


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", roles=["advisor"])


def test_unknown_page_uses_the_layout_and_links_home(client, alice):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'id="error-home" href="/"' in page or 'href="/" id="error-home"' in page
    assert 'id="current-user"' in page  # the site's navbar, with the user still logged in
    assert "URLconf" not in page  # not Django's debug page


@pytest.mark.parametrize(
    ("language", "heading"),
    [("zh-hant", "找不到頁面"), ("zh-hans", "找不到页面"), ("en", "Page not found")],
)
def test_not_found_speaks_the_readers_language(client, db, language, heading):
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert heading in response.content.decode()


def test_refused_page_explains_and_links_home(client, alice):
    client.force_login(alice)
    response = client.get("/settings/standard/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Not allowed" in page
    assert 'id="error-home"' in page


def test_expired_form_explains_what_to_do(db):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "The form has expired" in page
    assert "reload the page" in page


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_stands_alone_and_is_translated(db):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "zh-hant"
    response = client.get("/fails/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "發生錯誤" in page
    assert 'lang="zh-Hant"' in page
    assert "Traceback" not in page


def test_bad_request_is_the_sites_page(client, db):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_favicon_is_linked_and_served(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/static/img/favicon.svg")
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


def test_every_page_carries_the_content_security_policy(client, alice):
    client.force_login(alice)
    for url in ("/accounts/login/", "/work/", "/no-such-page/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy, url
