"""factory_boy factories for the records most tests need. Rows made here are test fixtures:
what a test checks still goes through the services."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from safercity.service311.models import Department, Service, ServiceRequest

PASSWORD = "correct horse battery 1"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member; `UserFactory(roles=[Role.INSPECTOR])` gives them roles."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        self.save()
        for role in extracted or ():
            # get_or_create: a transactional test before this one emptied the migrated groups.
            self.groups.add(Group.objects.get_or_create(name=role.value)[0])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"Department {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("service_code",)

    service_code = factory.Sequence(lambda n: f"SERVICE-{n}")
    service_name = factory.Sequence(lambda n: f"Service {n}")
    department = factory.SubFactory(DepartmentFactory)
    sla_days = 5


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRequest

    service = factory.SubFactory(ServiceFactory)
    description = "A test request"
    requested_datetime = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    updated_datetime = factory.LazyAttribute(lambda o: o.requested_datetime)
    expected_datetime = factory.LazyAttribute(lambda o: o.requested_datetime + timedelta(days=5))
    lat = 38.627
    long = -90.199
