"""A restore from a backup taken before an erasure brings the member back; `replay_erasures` erases them again.

The backup here is `dumpdata` of every app taken before Mette's erasure, and the restore is `loaddata` of it
after the erasure log was saved and the database's own log lost (as in a real restore of an older backup).
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kaffebro.accounts.models import User
from kaffebro.core.models import ErasureLog
from kaffebro.core.personal_data import erase_member, replay_erasures
from kaffebro.network.models import ContactCard, Person
from tests.privacy.conftest import METTES_WORDS
from tests.privacy.test_erasure import texts_holding

BACKED_UP = ["accounts", "core", "network", "meetings", "jobs", "notifications", "api", "sessions", "admin"]


@pytest.fixture
def backup(everything, tmp_path):
    path = tmp_path / "backup.json"
    call_command("dumpdata", *BACKED_UP, output=str(path), verbosity=0)
    return path


def restore(backup) -> None:
    ErasureLog.objects.all().delete()  # the backup is older than the erasure: its log does not have it
    call_command("loaddata", str(backup), verbosity=0)


def test_replay_from_the_saved_log_erases_the_restored_member_again(everything, backup, tmp_path, capsys):
    mette = everything.mette
    erase_member(mette.pk)
    saved = tmp_path / "erasures.json"
    call_command("replay_erasures", "--save", str(saved))
    restore(backup)
    assert User.objects.filter(pk=mette.pk).exists(), "the restore brings her back: that is what replay is for"
    assert ContactCard.objects.filter(owner_id=mette.pk).exists()

    call_command("replay_erasures", "--from", str(saved))
    assert "Erased 1 restored member(s)" in capsys.readouterr().out
    assert not User.objects.filter(pk=mette.pk).exists()
    assert not ContactCard.objects.filter(owner_id=mette.pk).exists()
    assert texts_holding(METTES_WORDS) == []
    assert ErasureLog.objects.filter(user_id=mette.pk).count() == 1

    call_command("replay_erasures", "--from", str(saved))
    assert "Erased 0 restored member(s)" in capsys.readouterr().out
    assert ErasureLog.objects.count() == 1


def test_replay_from_the_database_log_is_safe_to_repeat(everything):
    erase_member(everything.mette.pk)
    assert replay_erasures().members == 0
    assert ErasureLog.objects.count() == 1


def test_a_restored_node_whose_account_is_gone_loses_its_name_again(everything):
    """A partial restore brought back Mette's node but not her account: the node is forgotten again."""
    person = everything.mette.person
    entry = {"user_id": everything.mette.pk, "user_code": everything.mette.code}
    entry |= {"person_id": person.pk, "person_code": person.code}
    erase_member(everything.mette.pk)
    Person.objects.filter(pk=person.pk).update(name="Mette Kristensen")
    assert replay_erasures([entry]).persons == 1
    assert Person.objects.get(pk=person.pk).name == "—"  # Lars's card still points at it


def test_an_id_given_to_someone_else_is_never_erased(everything):
    """The log names Mette by id and code: a member who got her id after a restore is not her."""
    entry = {"user_id": everything.lars.pk, "user_code": "someone-else", "person_id": None, "person_code": ""}
    replayed = replay_erasures([entry])
    assert replayed.members == 0
    assert User.objects.filter(pk=everything.lars.pk).exists()


@pytest.mark.parametrize("content", ["not json", json.dumps({"user_id": 1}), json.dumps([{"user_id": 1}])])
def test_a_file_that_is_not_an_erasure_log_is_refused(db, tmp_path, content):
    path = tmp_path / "erasures.json"
    path.write_text(content)
    with pytest.raises(CommandError):
        call_command("replay_erasures", "--from", str(path))
