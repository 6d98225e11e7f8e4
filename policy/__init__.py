"""CrossGuard policy pack for the users platform: the guardrails the infra tests enforce, checked by
the engine itself on every `pulumi preview` and `pulumi up` that passes `--policy-pack policy`."""
