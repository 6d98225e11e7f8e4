"""IAM trust policies, written once: which AWS service or role may assume a role, and on whose behalf."""

from __future__ import annotations

import json


def trust_policy(*, service: str | None = None, role_arn: str | None = None, source_account: str | None = None) -> str:
    """An assume-role policy for one principal: an AWS service (`ec2.amazonaws.com`) or a role's ARN.

    `source_account` adds the confused-deputy condition AWS recommends for service principals that act
    for many accounts (aws:SourceAccount).
    """
    if (service is None) == (role_arn is None):
        raise ValueError("a trust policy names exactly one principal: a service or a role ARN")
    statement: dict = {
        "Effect": "Allow",
        "Principal": {"Service": service} if service else {"AWS": role_arn},
        "Action": "sts:AssumeRole",
    }
    if source_account:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def may_assume(role_arn: str) -> str:
    """An identity policy whose one grant is to assume this role."""
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}
    )
