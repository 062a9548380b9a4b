"""Without SECRET_KEY, a development server makes a random key of its own and keeps it in the
data directory; the public development key in the source signs nothing (it only decrypts
credentials stored under it)."""

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.smoke

PUBLIC_DEV_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter with the real settings, as `make run` starts them.
PROBE = """
import json, django
from cryptography.fernet import Fernet
from django.conf import settings
from django.core import signing

django.setup()
from livechat import selectors, sessions
from kernel import crypto

def forged(payload, salt):
    token = signing.dumps(payload, key=sessions_key, salt=salt)
    try:
        signing.loads(token, salt=salt)
    except signing.BadSignature:
        return False
    return True

sessions_key = json.loads(input())["public_key"]
old_secrets = Fernet(crypto._fernet_key("webcare-secrets:" + sessions_key))
stored_before = old_secrets.encrypt(b'{"access_token": "EAAG-dev"}').decode()
print(json.dumps({
    "secret_key": settings.SECRET_KEY,
    "visitor_token_forged": forged({"v": "v-x", "i": 1}, sessions.TOKEN_SALT),
    "file_link_forged": forged(1, selectors.FILE_SALT),
    "old_credentials": crypto.decrypt_json(stored_before),
}))
"""


def run_settings(data_dir: Path, **env) -> dict:
    environ = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "WEBCARE_SECRETS_KEY", "DATABASE_URL")}
    environ.update(DJANGO_SETTINGS_MODULE="webcare.settings", WEBCARE_DATA_DIR=str(data_dir), **env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        input=json.dumps({"public_key": PUBLIC_DEV_KEY}),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environ,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def dev_data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def dev_start(dev_data_dir):
    """What a development server's settings make of an empty data directory."""
    return run_settings(dev_data_dir, DEBUG="1")


def test_a_development_server_signs_with_a_random_key_of_its_own_kept_in_the_data_dir(dev_start, dev_data_dir):
    first = dev_start
    tmp_path = dev_data_dir

    key_file = tmp_path / "secret_key"
    assert first["secret_key"] != PUBLIC_DEV_KEY and len(first["secret_key"]) >= 50
    assert key_file.read_text().strip() == first["secret_key"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The next start signs with the same key: tokens and links handed out stay valid.
    assert run_settings(tmp_path, DEBUG="1")["secret_key"] == first["secret_key"]
    # Another machine's data directory gets another key.
    assert run_settings(tmp_path / "other", DEBUG="1")["secret_key"] != first["secret_key"]


def test_tokens_and_file_links_forged_with_the_public_development_key_are_refused(dev_start):
    probed = dev_start

    assert probed["visitor_token_forged"] is False
    assert probed["file_link_forged"] is False


def test_credentials_stored_under_the_old_development_key_still_decrypt(dev_start):
    probed = dev_start

    assert probed["old_credentials"] == {"access_token": "EAAG-dev"}


def test_production_still_refuses_to_start_without_a_secret_key(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    environ.update(DJANGO_SETTINGS_MODULE="webcare.settings", WEBCARE_DATA_DIR=str(tmp_path), DEBUG="0")
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environ,
        timeout=60,
    )
    assert done.returncode != 0 and "SECRET_KEY must be set" in done.stderr
    assert not (tmp_path / "secret_key").exists()


def test_processes_starting_together_agree_on_one_key(tmp_path):
    from webcare.env import secret_key_file

    path = tmp_path / "fresh" / "secret_key"
    keys = []
    start = threading.Barrier(8)

    def make():
        start.wait()
        keys.append(secret_key_file(path))

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert len(keys) == 8 and len(set(keys)) == 1
    assert path.read_text().strip() == keys[0]
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary files left
