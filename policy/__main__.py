"""The policy pack the CLI runs (`pulumi preview --policy-pack policy`); the rules live in guardrails.py."""

from pulumi_policy import EnforcementLevel, PolicyPack

from policy.guardrails import POLICIES

PolicyPack(name="users-platform-guardrails", enforcement_level=EnforcementLevel.MANDATORY, policies=POLICIES)
