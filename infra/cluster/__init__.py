"""The `cluster` topology: ECS on EC2 behind an ALB, with RDS PostgreSQL; one component per concern."""
