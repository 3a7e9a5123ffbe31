"""factory-boy factories for the core models; apps import these for their own factories."""

import factory
from django.contrib.auth import get_user_model

from lmns.models import Lmns, Membership, Region, ReportingPeriod, Role, Site, Trust


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Region {n}")


class LmnsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lmns

    name = factory.Sequence(lambda n: f"Test LMNS {n}")
    short_name = factory.Sequence(lambda n: f"TestLMNS{n}")
    icb = factory.LazyAttribute(lambda o: f"NHS {o.name} ICB")
    region = factory.SubFactory(RegionFactory)


def _ods(n: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"Z{letters[n % 24]}{letters[(n // 24) % 24]}{n // 576 % 10}"


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Test Hospitals NHS Trust {n}")
    short_name = factory.Sequence(lambda n: f"TT{n}")
    ods_code = factory.Sequence(_ods)
    lmns = factory.SubFactory(LmnsFactory)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ["start_year", "quarter"]

    start_year = 2022
    quarter = 1
    is_open = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "test-password-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.TRUST_LEAD
    trust = factory.SubFactory(TrustFactory)
    lmns = None


def trust_lead(trust: Trust, username: str | None = None):
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, role=Role.TRUST_LEAD, trust=trust, lmns=None)
    return user


def lmns_member(lmns: Lmns, role: str, username: str | None = None):
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, role=role, trust=None, lmns=lmns)
    return user
