"""Factories and named staff (alice, bob, sam, carol, sue, ada) for readable tests."""

import factory
from django.contrib.auth.models import Group

from aftercare.customers.models import Customer, Vehicle
from aftercare.org.models import Branch, Organisation, User

PASSWORD = "correct horse battery"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"測試車行 {n}")
    time_zone = "Asia/Shanghai"
    region = "CN"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"b{n}")
    name = factory.Sequence(lambda n: f"分店 {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    branch = factory.SubFactory(BranchFactory)
    organisation = factory.LazyAttribute(lambda o: o.branch.organisation if o.branch else None)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set(Group.objects.filter(name__in=list(extracted)))
        self.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"客戶{n}")


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    customer = factory.SubFactory(CustomerFactory)
    plate = factory.Sequence(lambda n: f"京A{10000 + n}")
    plate_key = factory.LazyAttribute(lambda o: o.plate)
    model = "凱美瑞"


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshop.ServiceItem"
        django_get_or_create = ("organisation", "code")

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"item{n}")
    name = factory.Sequence(lambda n: f"保養項目{n}")
    kind = "maintenance"


class PlaceFactory(factory.django.DjangoModelFactory):
    """A designated place; use aftercare.safety.actions when obligations matter."""

    class Meta:
        model = "safety.Place"

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"維修車間 {n}")
    keeper = factory.SubFactory(UserFactory, branch=factory.SelfAttribute("..branch"))
    min_count = 1
