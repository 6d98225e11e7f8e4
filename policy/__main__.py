"""The policy pack the CLI runs (`pulumi preview --policy-pack policy`); the rules live in guardrails.py
(every stack) and production.py (production stacks)."""

from pulumi_policy import EnforcementLevel, PolicyPack

from policy import production
from policy.guardrails import POLICIES

PolicyPack(
    name="users-platform-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[*POLICIES, *production.POLICIES],
)
