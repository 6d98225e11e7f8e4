"""The EC2 host: pinned AMI, IMDSv2 with one hop, encrypted volumes, least-privilege role, Elastic IP, user data."""

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
        # One hop: the host's own tools reach IMDS, containers (a bridge hop further) cannot.
        assert metadata["httpPutResponseHopLimit"] == 1
        # And the Docker bridge drops anything a container sends to the metadata address.
        assert "|| iptables -I DOCKER-USER -d 169.254.169.254/32 -j REJECT'" in instance.inputs["userData"]
        # User data runs at first boot only, so a new script must mean a new host.
        assert instance.inputs["userDataReplaceOnChange"] is True

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
def test_ami_is_the_exact_release_pinned_in_the_stack_file_and_the_data_volume_is_attached(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (instance,) = run.of_type(INSTANCE)
        assert instance.inputs["ami"] == AMI_ID
        (query,) = run.mocks.ami_queries
        # An exact name, not "most recent": a new Amazon Linux release never replaces the host by itself.
        assert not query.get("mostRecent")
        name_filter = next(f for f in query["filters"] if f["name"] == "name")
        assert name_filter["values"] == [run.setting("amiName")] and "*" not in run.setting("amiName")
        assert query["owners"] == ["amazon"]
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
        # The backup, telemetry and mail grants are asserted in test_infra_backups, test_infra_observability
        # and test_infra_mail.
        assert set(inline) == {
            f"{prefix}-host-docker-tls",
            f"{prefix}-dumps-host-writes",
            f"{prefix}-observability-host-telemetry",
            f"{prefix}-mail-sender-assume",
        }
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
        # dockerd listens on the loopback only (SSM port forwarding reaches it), with mutual TLS.
        assert '"tlsverify": true' in script and '"tcp://127.0.0.1:2376"' in script and "0.0.0.0" not in script
        assert f"/users-platform/{stack_name}/docker-tls" in script and "--with-decryption" in script
        assert "PRIVATE KEY" not in script
        assert "docker exec platform-service python -m service prune" in script
        assert "systemctl enable --now platform-prune.timer docker-tls-refresh.timer docker-image-prune.timer" in script
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



def test_docker_starts_only_on_the_mounted_data_volume(settled_stack):
    (instance,) = settled_stack.of_type(INSTANCE)
    script = instance.inputs["userData"]
    drop_in = script.split("docker.service.d/tls.conf <<'UNIT'\n", 1)[1].split("\nUNIT\n", 1)[0]
    assert "RequiresMountsFor=/srv/pgdata" in drop_in
    # The database folder is created only once the volume is mounted, so it never exists on the root disk.
    assert script.index("mountpoint -q /srv/pgdata") < script.index("install -d -o 999 -g 999 -m 0700 /srv/pgdata/data")


def test_renewed_docker_tls_files_restart_dockerd(tmp_path):
    """The refresh script as the host runs it, with fake `aws` and `systemctl` on PATH."""
    from infra.host.user_data import render_user_data

    script = render_user_data(region="eu-west-1", parameter_prefix="/p/dev/docker-tls", volume_id="vol-1")
    refresh = script.split("<<'REFRESH'\n", 1)[1].split("\nREFRESH\n", 1)[0]
    tls_dir, bin_dir = tmp_path / "tls", tmp_path / "bin"
    tls_dir.mkdir()
    bin_dir.mkdir()
    for name in ("ca.pem", "server-cert.pem", "server-key.pem"):
        (tls_dir / name).write_text("old\n")
    (bin_dir / "fetch").write_text(f"#!/bin/bash\nfor f in ca.pem server-cert.pem server-key.pem; do cat {tmp_path}/ssm > {tls_dir}/$f; done\n")
    (bin_dir / "systemctl").write_text(f"#!/bin/bash\necho \"$@\" >> {tmp_path}/systemctl.log\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    program = refresh.replace("/etc/docker/tls", str(tls_dir)).replace("/usr/local/sbin/fetch-docker-tls", str(bin_dir / "fetch"))
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}

    (tmp_path / "ssm").write_text("old\n")
    subprocess.run(["bash", "-c", program], env=env, check=True, timeout=10)
    assert not (tmp_path / "systemctl.log").exists(), "unchanged files must not restart dockerd"
    (tmp_path / "ssm").write_text("renewed\n")
    subprocess.run(["bash", "-c", program], env=env, check=True, timeout=10)
    assert (tmp_path / "systemctl.log").read_text() == "restart docker\n"
