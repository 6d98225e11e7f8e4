"""Pulumi program for the users platform: one EC2 host running the service, nginx and PostgreSQL.

`__main__.py` is the entry point Pulumi runs; each other module owns one concern.
"""
