"""Production mode starts and serves what a browser needs: run it the way a deployment does.

``AFTERCARE_ENV=production aftercare serve --web-only`` once exited with whitenoise's
``MissingFileError`` (a vendored script named a source map we do not ship) while ``check
--deploy`` passed, so a deployment restart-looped. Only starting the real server catches that.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

AFTERCARE = [sys.executable, "-m", "aftercare.cli"]
# Each test starts `aftercare` on an SQLite home of its own: the PostgreSQL pass skips them.
pytestmark = pytest.mark.embedded


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    """Status, headers and text of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory, migrated_home):
    """``aftercare serve --web-only`` in production mode on a fresh (migrated) home; yields its
    base URL. CI's own production step starts it on an unmigrated one."""
    home = migrated_home(tmp_path_factory.mktemp("aftercare-production"))
    port = free_port()
    env = {
        **os.environ,
        "AFTERCARE_HOME": str(home),
        "DATABASE_URL": "",
        "AFTERCARE_ENV": "production",
        "AFTERCARE_SECRET_KEY": "test-only-" + "k" * 50,
        # The test speaks plain HTTP to gunicorn; a proxy would terminate TLS in front of it.
        "AFTERCARE_SSL_REDIRECT": "0",
        "AFTERCARE_ALLOWED_HOSTS": "127.0.0.1",
    }
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "AFTERCARE_DEBUG"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [*AFTERCARE, "serve", "--web-only", "--workers", "1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"aftercare serve exited with {proc.returncode}:\n{proc.stdout.read()}")
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("aftercare serve (production) did not answer within 120 s")
        yield base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def test_login_page_links_hashed_static_files_served_for_a_year(production_server):
    status, _, body = fetch(production_server + "/accounts/login/")
    assert status == 200
    assert 'name="password"' in body
    stylesheet = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.\w{12}\.css)"', body)
    assert stylesheet, "the page links the hashed copy of the stylesheet"
    status, headers, css = fetch(production_server + stylesheet.group(1))
    assert status == 200
    assert ".btn" in css
    assert "max-age=315360000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]


def test_every_script_the_pages_use_is_collected(production_server):
    """Chart.js and Bootstrap named source maps we do not ship: the collect step choked on them."""
    _, _, body = fetch(production_server + "/accounts/login/")
    scripts = re.findall(r'<script src="([^"]+)"', body)
    assert scripts
    for src in scripts:
        assert re.search(r"\.[0-9a-f]{12}\.js$", src), src
        assert fetch(production_server + src)[0] == 200, src


def test_unknown_page_is_the_sites_own_404(production_server):
    status, _, body = fetch(production_server + "/no-such-page/")
    assert status == 404
    assert "Aftercare" in body
    assert "Traceback" not in body and "URLconf" not in body
    assert 'href="/"' in body  # a way back home


def test_serve_collects_static_files_only_when_they_changed(tmp_path, settings, monkeypatch):
    """Compressing takes many seconds: a restart with the same files must not pay it again."""
    from aftercare import cli

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "note.css").write_text("body { color: black; }")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, extra]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.VAR_DIR = tmp_path
    collected: list[str] = []

    def collectstatic(name, **options):
        collected.append(name)
        settings.STATIC_ROOT.mkdir(exist_ok=True)
        (settings.STATIC_ROOT / "staticfiles.json").write_text("{}")

    monkeypatch.setattr("django.core.management.call_command", collectstatic)
    assert cli.collect_static() is True
    assert cli.collect_static() is False
    (extra / "note.css").write_text("body { color: navy; }")
    assert cli.collect_static() is True
    (settings.STATIC_ROOT / "staticfiles.json").unlink()  # someone emptied var/static
    assert cli.collect_static() is True
    assert collected == ["collectstatic"] * 3
