"""The member's own node in the network, created the first time it is needed.

Accounts cannot depend on the network app, so a member's `Person` is not created
at sign-up but on first use here (also for operators made with `createsuperuser`).
"""

from django.db import IntegrityError, transaction

from kaffebro.accounts.models import User
from kaffebro.network.models import ConnectorSettings, Person


def member_person(user: User) -> Person:
    """The member's own person; created once, safely under concurrent first requests."""
    try:
        return user.person
    except Person.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            person = Person.objects.create(member=user, name=user.display_name or user.email.split("@")[0])
    except IntegrityError:
        person = Person.objects.get(member=user)
    user.person = person
    return person


def connector_settings(user: User) -> ConnectorSettings:
    """The member's connector settings, with the safe defaults (not open to introductions)."""
    try:
        return user.connector_settings
    except ConnectorSettings.DoesNotExist:
        pass
    settings_row, _created = ConnectorSettings.objects.get_or_create(user=user)
    user.connector_settings = settings_row
    return settings_row
