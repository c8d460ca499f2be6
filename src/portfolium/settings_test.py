"""Settings for the test suite: the real settings, with a fixed key and a fast password hasher."""

import os

os.environ.setdefault("PORTFOLIUM_SECRET_KEY", "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("PORTFOLIUM_DATA_DIR", os.path.join(os.getcwd(), "test-artifacts", "data"))

from portfolium.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; production uses Argon2
ALLOWED_HOSTS = ["*"]
