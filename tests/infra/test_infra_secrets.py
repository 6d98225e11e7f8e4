"""Secrets come from pulumi_random and stay secret Outputs wherever they flow."""

import pulumi

SECRET_INPUTS = {
    ("docker:index/container:Container", "postgres"): "envs",
    ("docker:index/container:Container", "service"): "envs",
    ("pulumi:providers:docker", "host"): "keyMaterial",
    ("command:local:Command", "docker-ready"): "environment",
    ("aws:ssm/parameter:Parameter", "server-key-pem"): "value",
}


@pulumi.runtime.test
def test_generated_passwords_are_secret_outputs(deploy, stack_name):
    run = deploy(stack_name)
    credentials = run.program["stack"].credentials
    client_key = run.program["stack"].docker_tls.client_key_pem

    def check(flags):
        assert flags == [True, True, True, True]
        assert len(run.of_type("random:index/randomPassword:RandomPassword")) == 3

    secrets = [credentials.db_password, credentials.secret_key, credentials.password_pepper, client_key]
    return pulumi.Output.all(*[pulumi.Output.from_input(s.is_secret()) for s in secrets]).apply(
        lambda flags: run.settled(lambda: check(flags))
    )


@pulumi.runtime.test
def test_secrets_reach_the_engine_only_as_secrets(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        for (typ, suffix), field in SECRET_INPUTS.items():
            (registration,) = [r for r in run.of_type(typ) if r.name.endswith(f"-{suffix}")]
            assert field in registration.secret_inputs, f"{registration.name}.{field} is not sent as a secret"
        web = next(c for c in run.of_type("docker:index/container:Container") if c.name.endswith("-web"))
        assert not web.secret_inputs

    return run.settled(check)


@pulumi.runtime.test
def test_no_stack_output_leaks_a_secret(deploy, stack_name):
    run = deploy(stack_name)
    outputs = run.outputs()
    passwords = [f"generated-{r}" for r in ("db-password", "secret-key", "password-pepper")]

    def check(values):
        for value in values:
            assert "PRIVATE KEY" not in str(value)
            assert not any(p in str(value) for p in passwords)

    return pulumi.Output.all(*outputs.values()).apply(lambda values: run.settled(lambda: check(values)))


@pulumi.runtime.test
def test_the_renamed_secret_key_keeps_the_value_made_as_jwt_secret(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (secret_key,) = [r for r in run.of_type("random:index/randomPassword:RandomPassword")
                         if r.name.endswith("-secret-key")]
        assert any(alias.endswith("-jwt-secret") for alias in secret_key.aliases), secret_key.aliases

    return run.settled(check)


def test_the_database_password_and_keys_cannot_be_rotated_by_an_up(settled_stack):
    """POSTGRES_PASSWORD only applies to a fresh cluster: a new password would lock the service out of
    the existing one; SECRET_KEY keys the password pre-hash, so a new one would void every password.
    `protect` makes the engine refuse to replace (or delete) either resource."""
    passwords = {r.name.rsplit("-secrets-", 1)[1]: r for r in settled_stack.of_type("random:index/randomPassword:RandomPassword")}
    assert passwords["db-password"].protect and passwords["secret-key"].protect and passwords["password-pepper"].protect
