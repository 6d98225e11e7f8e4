"""Pulumi program for the users platform, in one of two topologies: infra/host/ (one EC2 host) or
infra/cluster/ (ECS, ALB, RDS); what both share lives here at the top (docs/deploy.md, "A map of infra/").

`__main__.py` is the entry point Pulumi runs; each other module owns one concern.
"""
