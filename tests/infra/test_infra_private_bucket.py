"""Every bucket of both topologies is locked down the one way infra/private_bucket.py writes: no public
access, owner-enforced objects, SSE-S3, and a policy that refuses plain HTTP."""

import json

import pytest
from pulumi_harness import REPO_ROOT, settled_run

from infra.private_bucket import tls_only_statement


def test_only_the_lock_down_writes_the_tls_only_statement():
    writers = [
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "infra").rglob("*.py")
        if "aws:SecureTransport" in path.read_text() and path.name != "private_bucket.py"
    ]
    assert writers == []


@pytest.mark.parametrize(("stack", "overrides"), [("dev", {"topology": "host"}), ("prod", {})])
def test_every_bucket_gets_the_whole_lock_down(stack, overrides):
    run = settled_run(stack, overrides)
    buckets = run.of_type("aws:s3/bucket:Bucket")
    assert buckets
    for bucket in buckets:
        bucket_id = f"{bucket.name}-id"
        name = bucket.inputs.get("bucket") or bucket.name

        def attached(typ, bucket_id=bucket_id):
            return [r for r in run.of_type(typ) if r.inputs.get("bucket") == bucket_id]

        (policy,) = attached("aws:s3/bucketPolicy:BucketPolicy")
        assert tls_only_statement(name) in json.loads(policy.inputs["policy"])["Statement"], bucket.name
        (block,) = attached("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
        assert all(block.inputs[key] for key in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
        assert any(urn.endswith(f"::{block.name}") for urn in policy.dependencies)
        (ownership,) = attached("aws:s3/bucketOwnershipControls:BucketOwnershipControls")
        assert ownership.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
        (encryption,) = attached("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        assert encryption.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
