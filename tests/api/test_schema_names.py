"""Every request and answer schema has its own name in the OpenAPI document.

django-ninja names a component by its class name, so two apps' `CancelIn` became one schema
(the later one's limits applied to both: the fuzzer found it). This test names the clash."""

import collections
import importlib
import inspect

from django.apps import apps
from ninja import Schema
from pydantic import BaseModel

from aftercare.apps import AftercareApp


def test_no_two_api_schemas_share_a_name():
    seen = collections.defaultdict(set)
    for config in apps.get_app_configs():
        if isinstance(config, AftercareApp) and config.api_router:
            module = importlib.import_module(config.api_router.rsplit(".", 1)[0])
            for name, value in vars(module).items():
                if (
                    inspect.isclass(value)
                    and issubclass(value, BaseModel | Schema)
                    and value.__module__ == module.__name__
                ):
                    seen[name].add(module.__name__)
    assert {name: where for name, where in seen.items() if len(where) > 1} == {}
