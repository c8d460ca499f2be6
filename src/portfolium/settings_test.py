"""Settings for the test suite: the real settings, with a fixed key and a fast password hasher."""

import os
from pathlib import Path

os.environ.setdefault("PORTFOLIUM_SECRET_KEY", "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("PORTFOLIUM_DATA_DIR", str(Path.cwd() / "test-artifacts" / "data"))

from portfolium.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; production uses Argon2
ALLOWED_HOSTS = ["*"]
