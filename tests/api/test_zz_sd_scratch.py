from tests.api.test_schemathesis import *  # noqa
from tests.api.test_schemathesis import schema as _all

sub = _all.include(path_regex=r"tickets/\{ticket_id\}/(arrival|pause|resume|resolve)$")


@sub.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_sub(case, bearer):
    case.call_and_validate(headers=bearer, additional_checks=[refused_only_for_what_json_schema_cannot_say])
