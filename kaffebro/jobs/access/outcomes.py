"""Every read of outcomes goes through here.

An outcome belongs to its seeker: she sees and removes her own, anyone else asking for one gets
404. A decision-maker may record an outcome on their own posting (or on a suggestion made to
them) but reads nothing of the seeker's pipeline through it.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaffebro.accounts.models import User
from kaffebro.jobs.models import Outcome
from kaffebro.network.models import Person, Position, Posting

# What a list of outcomes reads with each one, in the same query.
OUTCOME_RELATED = ("target", "posting", "organisation", "connector")


def outcomes_of(user: User) -> QuerySet[Outcome]:
    """The seeker's own outcomes, newest first."""
    if not user.is_authenticated:
        return Outcome.objects.none()
    return Outcome.objects.filter(seeker=user).select_related(*OUTCOME_RELATED)


def access_outcome(user: User, code: str) -> Outcome:
    """One of the viewer's own outcomes by its code; 404 for anyone else's."""
    return get_object_or_404(outcomes_of(user), code=code)


def decides_on(user: User, posting: Posting) -> bool:
    """Whether the member decides on hiring for the posting.

    They do when their own person is the posting's decision-maker, or when they hold a current
    deciding position in the posting's unit. A member without a person yet decides on nothing.
    """
    person_id = Person.objects.filter(member_id=user.pk).values_list("pk", flat=True).first()
    if person_id is None:
        return False
    if posting.decision_maker_id is not None and posting.decision_maker_id == person_id:
        return True
    if posting.unit_id is None:
        return False
    return Position.objects.filter(
        person_id=person_id, unit_id=posting.unit_id, is_decision_maker=True, end_date__isnull=True
    ).exists()
