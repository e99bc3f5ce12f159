"""The network's answers to account events."""

from kaffebro.network.models import Person


def rename_member_person(sender, *, member, display_name, **kwargs) -> None:
    """A member's own node carries their current display name, in the same transaction as the rename."""
    Person.objects.filter(member=member).update(name=display_name)
