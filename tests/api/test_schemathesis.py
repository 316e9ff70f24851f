"""Property-based check of /api/v1/: no input makes the server fail, every answer fits the schema.

Schemathesis reads the OpenAPI document from the app itself (in process, no server) and calls
every operation with generated input, authenticated with a supervisor's bearer token over a
small demo organisation. A 5xx, an undeclared status code or a body that does not match its
declared schema fails the test.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from aftercare import demo
from aftercare.org.actions import create_api_token
from aftercare.org.models import User

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def bearer(db, settings) -> dict[str, str]:
    """A supervisor of the demo's first branch, with staff, customers and work around them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.load(customers_per_branch=4)
    supervisor = User.objects.get(username="supervisor1")
    return {"Authorization": f"Bearer {create_api_token(supervisor, name='schemathesis')}"}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, bearer):
    case.call_and_validate(headers=bearer)
