"""Mail through Amazon SES, the same in both topologies: a domain identity signed with Easy DKIM,
a configuration set whose bounce, complaint, reject and delay events go to an SNS topic, and the one
IAM policy a mail worker needs: send from this identity, through this configuration set, as MAIL_FROM.

Provider behaviour this relies on (pulumi-aws sesv2, read from its schema):
- an event destination is created disabled unless `enabled=True` (`enabled`: "Default: false");
- EmailIdentity exports `dkim_signing_attributes.tokens`: three Easy DKIM tokens, each published
  as `<token>._domainkey.<domain>` CNAME `<token>.dkim.amazonses.com`;
- `configuration_set_name` on the identity is its default configuration set; a request that names
  one takes precedence (SESv2 CreateEmailIdentity), and the worker names it as well.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.config import StackSettings
from infra.encrypted_topic import TopicPublisher, encrypted_topic

SENDER_NAME = "Users platform"
SENDER_LOCAL_PART = "no-reply"
# Bounces and complaints are what SES holds a sender accountable for; rejects (virus) and delays
# say a message did not leave. Opens and clicks are never tracked.
EVENT_TYPES = ("BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY")
# The Return-Path (MAIL FROM) subdomain: SPF then passes for our own domain, not amazonses.com.
MAIL_FROM_SUBDOMAIN = "bounce"
DKIM_TOKENS = 3
DNS_TTL = 1800
# SES reviews an account above a 5 % bounce or 0.1 % complaint rate and may pause it at 10 % / 0.5 %
# (SES developer guide, "Sending review process FAQs"): the alarms fire at the review thresholds.
REPUTATION_ALARMS = {"bounce-rate": ("Reputation.BounceRate", 0.05), "complaint-rate": ("Reputation.ComplaintRate", 0.001)}


# SES: "The name can contain up to 64 alphanumeric characters, including letters, numbers, hyphens
# (-) and underscores (_) only" (SESv2 CreateConfigurationSet).
CONFIGURATION_SET_NAME_MAX = 64


def configuration_set_name(mail_domain: str) -> str:
    """Named after the identity it serves, not the stack: two stacks of one account and region can
    hold configuration sets only when they send from different domains, which SES demands of their
    identities anyway. So a stack that replaces another under the same name (the host->cluster move,
    docs/deploy.md) collides on neither while their mail domains differ."""
    name = "mail-" + mail_domain.replace(".", "-")
    if len(name) <= CONFIGURATION_SET_NAME_MAX:
        return name
    digest = hashlib.sha256(mail_domain.encode()).hexdigest()[:8]
    return f"{name[: CONFIGURATION_SET_NAME_MAX - 9]}-{digest}"


def sender_address(mail_domain: str) -> str:
    return f"{SENDER_LOCAL_PART}@{mail_domain}"


def mail_from(mail_domain: str) -> str:
    """MAIL_FROM as the service reads it: a display name and the one address IAM lets it send as."""
    return f"{SENDER_NAME} <{sender_address(mail_domain)}>"


def ses_mail_url(region: str) -> str:
    """MAIL_URL for service/mail/ses.py: the SESv2 API in the stack's region, with the role's credentials."""
    return f"ses://{region}"


def sending_policy(identity_arn: str, configuration_set_arn: str, from_address: str) -> str:
    """Send only from this identity, through this configuration set, as this address.

    SESv2 SendEmail with Raw content is authorized as ses:SendRawEmail, not ses:SendEmail
    (django-anymail#384, nodemailer#1734: "not authorized to perform ses:SendRawEmail" from SESv2
    SendEmail), so both are granted, on the identity and on the configuration set the request names
    (SES v2 authorization reference: SendEmail's resources are identity* and configuration-set).
    ses:FromAddress is SES's condition key on the From address (SES developer guide, "Identity and
    access management in Amazon SES").
    """
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "SendAsThePlatformOnly",
                    "Effect": "Allow",
                    "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                    "Resource": [identity_arn, configuration_set_arn],
                    "Condition": {"StringEquals": {"ses:FromAddress": from_address}},
                }
            ],
        }
    )


@dataclass(frozen=True)
class MailSendingArgs:
    region: str
    account_id: pulumi.Input[str]
    domain: str
    # Empty: the DKIM (and MAIL FROM) records are exported for the operator's own DNS.
    hosted_zone_id: str
    # Empty: the events topic has no subscriber until the operator adds one (docs/deploy.md, Mail).
    events_email: str
    tags: dict[str, str]

    @classmethod
    def for_stack(cls, settings: StackSettings, account_id: pulumi.Input[str], tags: dict[str, str]) -> MailSendingArgs:
        """Both topologies send mail from the same stack keys."""
        return cls(
            region=settings.region,
            account_id=account_id,
            domain=settings.mail_domain,
            hosted_zone_id=settings.hosted_zone_id,
            events_email=settings.mail_events_email,
            tags=tags,
        )


class MailSending(pulumi.ComponentResource):
    def __init__(self, name: str, args: MailSendingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:mail:MailSending", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.from_address = sender_address(args.domain)
        self.mail_from = mail_from(args.domain)

        self.configuration_set = aws.sesv2.ConfigurationSet(
            name,
            configuration_set_name=configuration_set_name(args.domain),
            # Links in these mails carry one-time tokens: never over a plaintext hop to the receiver.
            delivery_options=aws.sesv2.ConfigurationSetDeliveryOptionsArgs(tls_policy="REQUIRE"),
            reputation_options=aws.sesv2.ConfigurationSetReputationOptionsArgs(reputation_metrics_enabled=True),
            sending_options=aws.sesv2.ConfigurationSetSendingOptionsArgs(sending_enabled=True),
            # An address that bounced or complained is not mailed again (the account's suppression list).
            suppression_options=aws.sesv2.ConfigurationSetSuppressionOptionsArgs(suppressed_reasons=["BOUNCE", "COMPLAINT"]),
            tags=args.tags,
            opts=child,
        )
        self.events_topic = self._events_topic(name, args)
        self.event_destination = aws.sesv2.ConfigurationSetEventDestination(
            name,
            configuration_set_name=self.configuration_set.configuration_set_name,
            event_destination_name="bounces-and-complaints",
            event_destination=aws.sesv2.ConfigurationSetEventDestinationEventDestinationArgs(
                enabled=True,
                matching_event_types=list(EVENT_TYPES),
                sns_destination=aws.sesv2.ConfigurationSetEventDestinationEventDestinationSnsDestinationArgs(
                    topic_arn=self.events_topic.arn
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.events_topic_policy]),
        )
        self.identity = aws.sesv2.EmailIdentity(
            name,
            email_identity=args.domain,
            configuration_set_name=self.configuration_set.configuration_set_name,
            dkim_signing_attributes=aws.sesv2.EmailIdentityDkimSigningAttributesArgs(next_signing_key_length="RSA_2048_BIT"),
            tags=args.tags,
            opts=child,
        )
        tokens = self.identity.dkim_signing_attributes.apply(lambda attributes: attributes.tokens or [])
        self.dns_records = tokens.apply(lambda values: dkim_records(args.domain, values))
        if args.hosted_zone_id:
            self._publish_in_route53(name, args, tokens)
        self.sending_policy = pulumi.Output.all(self.identity.arn, self.configuration_set.arn).apply(
            lambda arns: sending_policy(arns[0], arns[1], self.from_address)
        )
        self.register_outputs({"configuration_set": self.configuration_set.configuration_set_name})

    def _events_topic(self, name: str, args: MailSendingArgs) -> aws.sns.Topic:
        """Bounce and complaint notices name recipients: the topic is encrypted with a key SES may use
        for this account's events only."""
        child = pulumi.ResourceOptions(parent=self)
        topic = encrypted_topic(
            f"{name}-events",
            description=f"{name}: SES bounce and complaint notices",
            account_id=args.account_id,
            publisher=TopicPublisher(
                "ses.amazonaws.com", lambda account: {"StringEquals": {"aws:SourceAccount": account}}
            ),
            tags=args.tags,
            opts=child,
        )
        self.events_topic_policy = aws.sns.TopicPolicy(
            f"{name}-events",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, args.account_id).apply(
                lambda values: events_topic_policy(values[0], values[1])
            ),
            opts=child,
        )
        if args.events_email:
            aws.sns.TopicSubscription(
                f"{name}-events-email", topic=topic.arn, protocol="email", endpoint=args.events_email, opts=child
            )
        return topic

    def _publish_in_route53(self, name: str, args: MailSendingArgs, tokens: pulumi.Output[list[str]]) -> None:
        child = pulumi.ResourceOptions(parent=self)
        # The same records the stack outputs for operators without Route 53 (dkim_records).
        records = tokens.apply(lambda values: dkim_records(args.domain, values))
        for index in range(DKIM_TOKENS):
            record = records.apply(lambda values, i=index: values[i])
            aws.route53.Record(
                f"{name}-dkim-{index}",
                zone_id=args.hosted_zone_id,
                name=record.apply(lambda value: value["name"]),
                type="CNAME",
                records=[record.apply(lambda value: value["value"])],
                ttl=DNS_TTL,
                opts=child,
            )
        mail_from_domain = f"{MAIL_FROM_SUBDOMAIN}.{args.domain}"
        for kind, value in (("MX", f"10 feedback-smtp.{args.region}.amazonses.com"), ("TXT", "v=spf1 include:amazonses.com ~all")):
            aws.route53.Record(
                f"{name}-mail-from-{kind.lower()}",
                zone_id=args.hosted_zone_id,
                name=mail_from_domain,
                type=kind,
                records=[value],
                ttl=DNS_TTL,
                opts=child,
            )
        aws.sesv2.EmailIdentityMailFromAttributes(
            name,
            email_identity=self.identity.email_identity,
            mail_from_domain=mail_from_domain,
            # Until the MX record is seen, SES keeps sending with its own MAIL FROM rather than refusing.
            behavior_on_mx_failure="USE_DEFAULT_VALUE",
            opts=child,
        )


def reputation_alarms(name: str, alarm_topic_arn: pulumi.Input[str], tags: dict[str, str]) -> list[aws.cloudwatch.MetricAlarm]:
    """The account's bounce and complaint rates (AWS/SES, no dimensions) to the stack's alarm topic."""
    return [
        aws.cloudwatch.MetricAlarm(
            f"{name}-{alarm}",
            alarm_description=f"SES {metric} at or above {threshold:.1%}: AWS reviews the account's sending there.",
            namespace="AWS/SES",
            metric_name=metric,
            statistic="Maximum",
            period=3600,
            evaluation_periods=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            threshold=threshold,
            # The rates exist only once mail is sent; no mail is no problem.
            treat_missing_data="notBreaching",
            alarm_actions=[alarm_topic_arn],
            ok_actions=[alarm_topic_arn],
            tags=tags,
        )
        for alarm, (metric, threshold) in REPUTATION_ALARMS.items()
    ]


def dkim_records(domain: str, tokens: list[str]) -> list[dict[str, str]]:
    """The CNAME records SES looks for, for an operator whose DNS is not in Route 53."""
    return [{"name": f"{token}._domainkey.{domain}", "type": "CNAME", "value": f"{token}.dkim.amazonses.com"} for token in tokens]


def events_topic_policy(topic_arn: str, account_id: str) -> str:
    """SES may publish this account's sending events here; the account's own principals keep what IAM gives them."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "SesPublishesEvents", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
                 "Action": "sns:Publish", "Resource": topic_arn,
                 "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
            ],
        }
    )
