"""Settings for the test process: the real settings, with a throwaway secret and plain HTTP.

Only environment defaults are set here, so processes the tests start (Daphne, Celery)
behave exactly as with studio.settings.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-4c1d2f7e9b8a6c5d3e2f1a0b9c8d7e6f")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")

from studio.settings import *  # noqa: F403

# Hashing a password slowly is the point in production and only a cost in tests, where
# every fixture user is created fresh. Processes the tests start (Daphne, Celery) read
# studio.settings directly and keep the real hashers.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
