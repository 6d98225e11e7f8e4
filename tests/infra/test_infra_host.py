"""The EC2 host: AMI lookup, IMDSv2, encrypted volumes, least-privilege role, Elastic IP, user data."""

import json
import subprocess

import pulumi
from pulumi_harness import AMI_ID

INSTANCE = "aws:ec2/instance:Instance"
VOLUME = "aws:ebs/volume:Volume"


@pulumi.runtime.test
def test_instance_requires_imdsv2(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (instance,) = run.of_type(INSTANCE)
        metadata = instance.inputs["metadataOptions"]
        assert metadata["httpTokens"] == "required"
        assert metadata["httpEndpoint"] == "enabled"
        assert metadata["httpPutResponseHopLimit"] <= 2

    return run.settled(check)


@pulumi.runtime.test
def test_every_volume_is_encrypted_gp3(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (instance,) = run.of_type(INSTANCE)
        root = instance.inputs["rootBlockDevice"]
        assert root["encrypted"] is True and root["volumeType"] == "gp3"
        assert not instance.inputs.get("ebsBlockDevices"), "extra inline volumes would escape this check"
        volumes = run.of_type(VOLUME)
        assert len(volumes) == 1, "one separate data volume for PostgreSQL"
        for volume in volumes:
            assert volume.inputs["encrypted"] is True and volume.inputs["type"] == "gp3"

    return run.settled(check)


@pulumi.runtime.test
def test_sizes_type_and_monitoring_follow_the_stack_file(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (instance,) = run.of_type(INSTANCE)
        assert instance.inputs["instanceType"] == run.setting("instanceType")
        assert instance.inputs["monitoring"] is run.setting("detailedMonitoring")
        assert instance.inputs["rootBlockDevice"]["volumeSize"] == run.setting("rootVolumeGb")
        (volume,) = run.of_type(VOLUME)
        assert volume.inputs["size"] == run.setting("dataVolumeGb")
        assert volume.inputs["availabilityZone"] == run.setting("aws:region") + "a"

    return run.settled(check)


@pulumi.runtime.test
def test_ami_comes_from_the_lookup_and_the_data_volume_is_attached(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (instance,) = run.of_type(INSTANCE)
        assert instance.inputs["ami"] == AMI_ID
        assert "aws:ec2/getAmi:getAmi" in run.mocks.invokes
        (attachment,) = run.of_type("aws:ec2/volumeAttachment:VolumeAttachment")
        (volume,) = run.of_type(VOLUME)
        assert attachment.inputs["volumeId"] == f"{volume.name}-id"
        assert attachment.inputs["instanceId"] == f"{instance.name}-id"
        (association,) = run.of_type("aws:ec2/eipAssociation:EipAssociation")
        (address,) = run.of_type("aws:ec2/eip:Eip")
        assert association.inputs["instanceId"] == f"{instance.name}-id"
        assert association.inputs["allocationId"] == f"eipalloc-{address.name}"

    return run.settled(check)


@pulumi.runtime.test
def test_instance_role_has_only_ssm_core_ecr_read_and_its_own_tls_parameters(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (profile,) = run.of_type("aws:iam/instanceProfile:InstanceProfile")
        host_role = profile.inputs["role"]
        attached = {a.inputs["policyArn"] for a in run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment") if a.inputs["role"] == host_role}
        assert attached == {
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        }
        inline = {p.name: p for p in run.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == host_role}
        prefix = f"users-platform-{stack_name}"
        # The backup and telemetry grants are asserted in test_infra_backups and test_infra_observability.
        assert set(inline) == {f"{prefix}-host-docker-tls", f"{prefix}-dumps-host-writes", f"{prefix}-observability-host-telemetry"}
        statements = json.loads(inline[f"{prefix}-host-docker-tls"].inputs["policy"])["Statement"]
        get_parameter = next(s for s in statements if s["Action"] == "ssm:GetParameter")
        assert get_parameter["Resource"].endswith(f"parameter/users-platform/{stack_name}/docker-tls/*")
        decrypt = next(s for s in statements if s["Action"] == "kms:Decrypt")
        assert decrypt["Condition"]["StringEquals"]["kms:ViaService"].startswith("ssm.")
        for policy in inline.values():
            assert all("*" not in str(s["Action"]) for s in json.loads(policy.inputs["policy"])["Statement"])

    return run.settled(check)


@pulumi.runtime.test
def test_user_data_installs_docker_with_tls_and_holds_no_secret(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (instance,) = run.of_type(INSTANCE)
        script = instance.inputs["userData"]
        assert "dnf install -y docker" in script
        assert '"tlsverify": true' in script and "tcp://0.0.0.0:2376" in script
        assert f"/users-platform/{stack_name}/docker-tls" in script and "--with-decryption" in script
        assert "PRIVATE KEY" not in script
        assert "docker exec platform-service python -m service prune" in script
        assert "systemctl enable --now platform-prune.timer" in script
        for password in run.of_type("random:index/randomPassword:RandomPassword"):
            assert f"generated-{password.name}" not in script
        assert "userData" not in run.of_type(INSTANCE)[0].secret_inputs
        syntax = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True, timeout=10)
        assert syntax.returncode == 0, syntax.stderr

    return run.settled(check)


@pulumi.runtime.test
def test_instance_boots_after_its_docker_tls_parameters_exist(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (instance,) = run.of_type(INSTANCE)
        parameters = run.of_type("aws:ssm/parameter:Parameter")
        assert sorted(p.inputs["name"].rsplit("/", 1)[1] for p in parameters) == ["ca.pem", "server-cert.pem", "server-key.pem"]
        for parameter in parameters:
            assert parameter.inputs["type"] == "SecureString"
            assert any(dep.endswith(f"::{parameter.name}") for dep in instance.dependencies), parameter.name

    return run.settled(check)

