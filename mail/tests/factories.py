import factory

from lmns.tests.factories import UserFactory
from mail.models import Delivery, MailPreference


class MailPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailPreference

    user = factory.SubFactory(UserFactory)
    kind = "return.submitted"
    choice = "now"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    recipient = factory.SubFactory(
        UserFactory, email=factory.Sequence(lambda n: f"p{n}@nhs.example")
    )
    kind = "return.submitted"
    key = factory.Sequence(lambda n: f"return.submitted:{n}")
    line = "NUH submitted its Ockenden return for 2022/23 Q1"
    url = "/"

    class Params:
        failed = factory.Trait(status="failed", attempts=7, last_error="SMTPServerDisconnected")
