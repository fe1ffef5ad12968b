"""An S3-compatible server for the stack's images: moto's server mode, as its own process.

The app reaches it only through django-storages, as it would reach AWS or any other
S3-compatible store; tests read the bucket directly to see what is stored.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import httpx
import pytest

from tests.integration.stack import BIN, Process, free_port, wait_until

BUCKET = "studio-images"
REGION = "us-east-1"
# moto accepts any credentials; the app and the tests sign with these.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "studio-test-key", "AWS_SECRET_ACCESS_KEY": "studio-test"}


def require_s3() -> None:
    """Fail under CI (moto and django-storages are dev dependencies), skip elsewhere."""
    missing = [name for name in ("moto", "storages", "boto3") if not importlib.util.find_spec(name)]
    if not missing:
        return
    message = f"the S3 tests need {', '.join(missing)} (pip install -e '.[dev]')"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class S3Server:
    def __init__(self, log_dir: Path):
        log_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)]
        self.process = Process("s3", argv, {**os.environ, **CREDENTIALS}, log_dir)

    def start(self) -> None:
        self.process.start()
        wait_until(
            lambda: httpx.get(f"{self.url}/moto-api/data.json").is_success,
            what="moto's S3 server",
            watch=[self.process],
        )
        self.client().create_bucket(Bucket=BUCKET)

    def stop(self) -> None:
        self.process.stop()

    def environment(self) -> dict[str, str]:
        """What the stack's processes need to keep their images in the bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_DEFAULT_REGION": REGION,
            **CREDENTIALS,
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def objects(self, prefix: str = "") -> dict[str, int]:
        """Every key under ``prefix`` in the bucket, with its size."""
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        )
        return {item["Key"]: item["Size"] for page in pages for item in page.get("Contents", [])}
