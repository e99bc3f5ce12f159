"""The network's answers to account events."""

from kaffebro.network.changes import note_graph_change
from kaffebro.network.models import Person


def rename_member_person(sender, *, member, display_name, **kwargs) -> None:
    """A member's own node carries their current display name, in the same transaction as the rename."""
    renamed = list(Person.objects.filter(member=member).values_list("id", flat=True))
    Person.objects.filter(pk__in=renamed).update(name=display_name)
    note_graph_change(renamed, "member.renamed")
