"""The 2 MB limit on request bodies (DATA_UPLOAD_MAX_MEMORY_SIZE) leaves uploads alone."""

import pytest

from aftercare.imports.models import ImportJob
from tests.imports.test_imports import HEADER, csv_bytes, upload


@pytest.mark.django_db
def test_an_upload_over_two_megabytes_is_not_refused_as_too_large(client, desk):
    big = csv_bytes(
        [["王芳", "13700001111", "京C11111", "x" * (2 * 1024 * 1024 + 1000)]], header=HEADER[:4]
    )
    assert len(big) > 2 * 1024 * 1024
    response = upload(client, desk.alice, big, name="customers.csv")
    assert response.status_code == 302, response.status_code
    assert ImportJob.objects.count() == 1
