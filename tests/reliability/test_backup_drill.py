"""The backup and restore drill (scripts/backup_drill.py) on the test cast: an erased member never comes back.

Runs only against PostgreSQL with pg_dump and pg_restore installed (the drill is pg_dump/pg_restore); the cast
is small, so the whole drill (dump, erase, restore, replay, check) takes seconds.
"""

import os
import shutil
import time
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection

from kaffebro.accounts.models import User
from kaffebro.network.models import ContactCard, Target
from scripts import backup_drill

pytestmark = [
    pytest.mark.skipif(
        not urlsplit(os.environ.get("DATABASE_URL", "")).scheme.startswith("postgres"),
        reason="the drill needs PostgreSQL (DATABASE_URL=postgres://…)",
    ),
    pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None, reason="no pg_dump"),
]

DRILL_SECONDS = 30


def live_database_url() -> str:
    """The database this test writes to, as a URL the drill's commands can use."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_an_erased_member_does_not_come_back_from_a_restored_backup(mette, jonas, lars, tmp_path):
    assert ContactCard.objects.filter(owner=mette).exists() and Target.objects.filter(seeker=mette).exists()
    started = time.monotonic()

    result = backup_drill.drill(live_database_url(), [mette.pk], tmp_path)

    assert time.monotonic() - started < DRILL_SECONDS, result.seconds
    assert result.erased_members == 1
    assert result.present_after_restore > 0, "the backup was taken before the erasure, so it held Mette"
    assert result.came_back == 0, result.references
    assert result.checked_columns > 10  # the account, every foreign key to it, and her person node
    assert result.counts_live == result.counts_restored
    assert result.passed, result.seconds
    assert not User.objects.filter(pk=mette.pk).exists()
    assert set(User.objects.values_list("pk", flat=True)) >= {jonas.pk, lars.pk}
