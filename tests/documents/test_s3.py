"""Handover documents in an S3-compatible bucket (django-storages), where one is configured.

The bucket is moto's S3, which answers the S3 protocol inside botocore (no cloud account, no
network): the same boto3 client a deployment uses, the same requests and answers. The
archive's rules hold there too: every version is its own object, nothing is overwritten,
downloads come back byte for byte.
"""

import boto3
import pytest
from django.urls import reverse
from moto import mock_aws

from aftercare import settings as project_settings
from aftercare.documents import actions
from aftercare.documents.models import DocumentVersion
from tests.documents.helpers import a_file

BUCKET = "aftercare-handover"
S3_ENVIRONMENT = {
    "AFTERCARE_S3_BUCKET": BUCKET,
    "AFTERCARE_S3_REGION": "us-east-1",
    "AFTERCARE_S3_PREFIX": "site-a",
    "AFTERCARE_S3_ACCESS_KEY": "test-key",
    "AFTERCARE_S3_SECRET_KEY": "test-secret",
}


@pytest.fixture
def bucket(settings, monkeypatch):
    """The storage the project's settings configure from AFTERCARE_S3_*, over moto's S3."""
    for name, value in S3_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    configured = project_settings._file_storage()
    assert configured["BACKEND"] == "storages.backends.s3.S3Storage"
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": configured}
        yield client


def test_the_settings_name_the_bucket_endpoint_and_keys(monkeypatch):
    for name, value in S3_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AFTERCARE_S3_ENDPOINT_URL", "https://minio.example.com:9000")
    options = project_settings._file_storage()["OPTIONS"]
    assert options["bucket_name"] == BUCKET
    assert options["endpoint_url"] == "https://minio.example.com:9000"
    assert (options["access_key"], options["secret_key"]) == ("test-key", "test-secret")
    assert options["location"] == "site-a"
    assert options["file_overwrite"] is False  # an archive never replaces a file


def test_without_a_bucket_files_stay_on_the_local_disk():
    assert project_settings._file_storage() == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_versions_are_separate_objects_in_the_bucket_and_download_unchanged(
    building, bucket, client
):
    first = actions.upload_document(
        by=building.sam,
        system=building.system,
        kind="om_manual",
        title="操作及維護手冊",
        file=a_file(content=b"manual v1"),
    )
    second = actions.upload_document(
        by=building.sam,
        system=building.system,
        kind="om_manual",
        title="操作及維護手冊",
        file=a_file(content=b"manual v2"),
    )
    assert (first.version, second.version) == (1, 2)
    keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {f"site-a/{first.file.name}", f"site-a/{second.file.name}"}
    stored = bucket.get_object(Bucket=BUCKET, Key=f"site-a/{first.file.name}")["Body"].read()
    assert stored == b"manual v1"  # version 1 untouched by version 2

    client.force_login(building.eve)
    for version, content in ((first, b"manual v1"), (second, b"manual v2")):
        answer = client.get(reverse("documents:file", args=[version.pk]))
        assert answer.status_code == 200
        assert b"".join(answer.streaming_content) == content
    assert DocumentVersion.objects.count() == 2
