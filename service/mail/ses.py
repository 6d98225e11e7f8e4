"""Amazon SES adapter: the SESv2 SendEmail API with the task or instance role (no SMTP credentials).

MAIL_URL=ses://eu-west-1 (or ses:// to take the region from the environment). The raw MIME
message is sent as is, so both adapters deliver byte-for-byte the same mail.
"""
from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import urlsplit

from service.mail.port import DeliveryFailed


def ses_region(url: str) -> str | None:
    return urlsplit(url).hostname or None


def send_email_request(message: EmailMessage, configuration_set: str = "") -> dict:
    """The SendEmail parameters for one message (kept apart so it can be checked without AWS)."""
    request = {
        "FromEmailAddress": message["From"],
        "Destination": {"ToAddresses": [message["To"]]},
        "Content": {"Raw": {"Data": message.as_bytes()}},
    }
    if configuration_set:
        # Bounce and complaint events are published through the configuration set.
        request["ConfigurationSetName"] = configuration_set
    return request


class SesSender:
    def __init__(self, client, configuration_set: str = ""):
        self._client = client
        self._configuration_set = configuration_set

    @classmethod
    def from_url(cls, url: str, configuration_set: str = "") -> SesSender:
        import boto3  # only the worker that sends through SES needs the AWS SDK loaded

        return cls(boto3.client("sesv2", region_name=ses_region(url)), configuration_set)

    def send(self, message: EmailMessage) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.send_email(**send_email_request(message, self._configuration_set))
        except (BotoCoreError, ClientError) as error:
            raise DeliveryFailed(f"SES: {type(error).__name__}: {error}") from None
