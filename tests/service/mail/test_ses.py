"""The SES adapter, as far as it can be checked without AWS: the SendEmail request it builds is
validated by botocore against the real SESv2 service model (botocore's Stubber; no network).
Whether SES accepts it is not tested here: no AWS account is reachable from tests."""
from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from service.mail.composer import MailComposer
from service.mail.port import DeliveryFailed
from service.mail.ses import SesSender, send_email_request, ses_region

MESSAGE = MailComposer("https://users.example.org", "Users <no-reply@example.org>").compose(
    "password_changed", "bob@example.com", username="bob", reset_link="https://users.example.org/forgot-password")


@pytest.fixture
def ses_client():
    return boto3.client("sesv2", region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test")


def test_the_request_sends_the_raw_mime_message_through_the_configuration_set(ses_client):
    request = send_email_request(MESSAGE, "users-platform")
    with Stubber(ses_client) as stub:
        stub.add_response("send_email", {"MessageId": "0100-abc"}, request)  # validated against the model
        SesSender(ses_client, "users-platform").send(MESSAGE)
        stub.assert_no_pending_responses()
    assert request["Content"]["Raw"]["Data"] == MESSAGE.as_bytes()
    assert request["Destination"] == {"ToAddresses": ["bob@example.com"]}
    assert request["FromEmailAddress"] == "Users <no-reply@example.org>"


def test_no_configuration_set_means_none_is_named():
    assert "ConfigurationSetName" not in send_email_request(MESSAGE)


def test_an_ses_error_is_a_delivery_failure(ses_client):
    with Stubber(ses_client) as stub:
        stub.add_client_error("send_email", "MessageRejected", "Email address is not verified.")
        with pytest.raises(DeliveryFailed, match="MessageRejected"):
            SesSender(ses_client).send(MESSAGE)


def test_the_region_comes_from_the_url():
    assert ses_region("ses://eu-west-1") == "eu-west-1"
    assert ses_region("ses://") is None
