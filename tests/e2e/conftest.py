"""End-to-end tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every test under tests/e2e is marked ``e2e`` (deselect with ``-m "not e2e"``). A missing
Chromium fails the tests with one line; it never skips them. Each test's last page is saved to
``test-artifacts/<test name>.png``.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

# Sync Playwright runs an event loop in the test thread; Django's ORM would otherwise refuse.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parent.parent
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
# Read before any fixture runs: the root conftest switches tests to English.
SHIPPED_LANGUAGE_CODE = django_settings.LANGUAGE_CODE
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the tests of this directory ``e2e`` before ``-m`` deselects anything."""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM_PATH}: apt-get install chromium", pytrace=False
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser in Taiwan's Chinese, in the demo organisation's time zone."""
    return {
        **browser_context_args,
        "locale": "zh-TW",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1280, "height": 800},
    }


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Like the root fixture of this name, but keeps the shipped default language (zh-hant)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = SHIPPED_LANGUAGE_CODE
    # Every test creates demo users and logs in: the deliberately slow hasher adds up.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_org(transactional_db):
    """The demo organisation (see ``aftercare.demo``), written where the live server can see it."""
    from aftercare import demo

    # Half the demo's size: the same kinds of work, loaded in half the time per test.
    return demo.load(customers_per_branch=12)


@pytest.fixture
def demo_password(settings) -> str:
    return settings.AFTERCARE_DEMO_PASSWORD


@pytest.fixture
def app_url(live_server):
    """``app_url("/work/")`` → the absolute URL on the live server."""

    def url(path: str) -> str:
        return live_server.url + path

    return url


@pytest.fixture
def log_in(page, app_url, demo_org, demo_password):
    """Log in through the login form; returns the page on the page it was redirected to."""

    def do(username: str, password: str | None = None):
        page.goto(app_url("/accounts/login/"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", demo_password if password is None else password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        return page

    return do


# Chromium reports a refusal in the console; the event catches what the console might phrase
# differently (a style attribute set by HTML that HTMX swapped in, an inline handler).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  console.error(`Content Security Policy violation: ${event.violatedDirective} ` +
                `blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture(autouse=True)
def _no_csp_violations(page):
    """Every browser test runs under the real Content-Security-Policy and fails if a page broke
    it: an inline script or style the policy refused is behaviour or look the user lost."""
    violations: list[str] = []
    page.add_init_script(REPORT_CSP_VIOLATIONS)

    def note(message):
        if "Content Security Policy" in message.text and message.text not in violations:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", note)
    yield violations
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


def _artifact_name(node_name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", node_name).strip("_")


@pytest.fixture(autouse=True)
def _screenshot_last_page(request, page):
    """Save the page as it was when the test ended, passed or failed."""
    yield
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    try:
        page.screenshot(
            path=ARTIFACTS_DIR / f"{_artifact_name(request.node.name)}.png", full_page=True
        )
    except Exception as error:  # a crashed page must not hide the test's own result
        print(f"screenshot of {request.node.name} failed: {error}")
