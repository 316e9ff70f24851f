import pytest


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path):
    """PDF exports are written under var/exports: a fresh folder for every test."""
    settings.AFTERCARE_EXPORTS_DIR = tmp_path / "exports"
