"""The `host` topology: one EC2 host running PostgreSQL, the service, the mail worker and nginx in Docker."""
