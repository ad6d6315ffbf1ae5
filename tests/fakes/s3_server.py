"""A local server speaking Amazon S3's protocol (moto's), for the real client library.

Object storage is a service on the internet this machine cannot reach; moto's server
answers S3's REST protocol on 127.0.0.1, and the site reaches it through boto3 exactly
as it reaches MinIO or a cloud provider in production.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CREDENTIALS = {"access_key": "test-key", "secret_key": "test-secret", "region_name": "eu-central-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def s3_server() -> Iterator[str]:
    """Run moto's S3 server on a free loopback port; yields its endpoint URL."""
    port = _free_port()
    program = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(program), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()  # noqa: S310
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def new_bucket(endpoint: str) -> str:
    """Create an empty bucket with a fresh name; returns the name."""
    name = f"gemeinsam-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(
        Bucket=name,
        CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["region_name"]},
    )
    return name


def client(endpoint: str):
    """A plain boto3 S3 client on the server, to look into buckets from outside the site."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
    )


def keys(endpoint: str, bucket: str, prefix: str = "") -> list[str]:
    """Every object key in the bucket under ``prefix``."""
    pages = client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))
