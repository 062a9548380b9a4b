"""Production collects static files into a hashed manifest (DEBUG=0, the Docker image): a
vendored file that names a missing source map or asset must fail here, not in a deploy."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.smoke


def test_collectstatic_with_the_production_manifest_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    for name in ("inbox/inbox.js", "css/webcare.css", "vendor/chartjs-4.6.1/chart.umd.min.js"):
        assert f'"{name}"' in manifest
