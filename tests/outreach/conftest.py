import pytest


@pytest.fixture(autouse=True)
def _batch_files_in_tmp(settings, tmp_path):
    """Batches of letters are written under MEDIA_ROOT: a fresh folder for every test."""
    settings.MEDIA_ROOT = tmp_path / "media"
