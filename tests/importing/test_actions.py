"""The member's import actions, and every edge of the import's state table, allowed and refused."""

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kaffebro.core.models import Event
from kaffebro.network.actions import Refused
from kaffebro.network.importing import actions, engine
from kaffebro.network.importing.states import TRANSITIONS, allowed, sources_of
from kaffebro.network.models import (
    ContactCard,
    ImportBatch,
    ImportStatus,
    MergeSuggestion,
    Person,
    SuggestionStatus,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
LINKEDIN = (FIXTURES / "linkedin_current.csv").read_bytes()
SPREADSHEET = (FIXTURES / "csv_semicolon_cp1252.csv").read_bytes()


def upload(owner, data=LINKEDIN, **options) -> ImportBatch:
    return actions.upload_contacts(owner, data=data, filename="Connections.csv", **options)


def imported(owner):
    return ContactCard.objects.filter(owner=owner, source="import")


def test_an_upload_is_read_at_once_and_waits_for_confirmation(mette):
    batch = upload(mette)
    assert (batch.status, batch.format) == (ImportStatus.PREVIEW, "linkedin")
    assert batch.total_rows == len(engine.preview(batch).records) > 0
    assert not imported(mette).exists()
    assert Event.objects.filter(kind="import.uploaded", subject=batch.code).exists()


def test_a_small_confirmed_file_is_imported_in_the_request(mette):
    batch = actions.confirm_import(mette, upload(mette))
    assert batch.status == ImportStatus.DONE
    assert imported(mette).count() == batch.counts["created"] > 0
    assert batch.content == b""


def test_a_large_file_runs_as_a_background_task(mette, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_INLINE_ROWS = 1
    batch = upload(mette)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = actions.confirm_import(mette, batch)
    assert queued.status == ImportStatus.QUEUED
    assert not imported(mette).exists()
    for callback in callbacks:
        callback()  # the immediate task backend of the tests runs the task now
    queued.refresh_from_db()
    assert queued.status == ImportStatus.DONE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        ((FIXTURES / "tiny.png").read_bytes(), "picture"),
        ((FIXTURES / "no_name_column.csv").read_bytes(), "name"),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_stored(mette, data, message):
    with pytest.raises(Refused) as refused:
        upload(mette, data=data)
    assert refused.value.field == "file"
    assert message in refused.value.message.lower()
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_size_limit_is_refused(mette, settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(Refused, match="larger than 100"):
        upload(mette)


def test_an_unknown_format_is_refused(mette):
    with pytest.raises(Refused):
        upload(mette, format="xlsx")


def test_the_mapping_can_be_changed_in_the_preview(mette):
    batch = upload(mette, data=SPREADSHEET)
    assert batch.format == "csv"
    mapping = dict(batch.mapping)
    title_column = next(column for column, field in mapping.items() if field == "title")
    mapping[title_column] = ""
    changed = actions.change_import_options(
        mette, batch, format="csv", mapping=mapping, keep_contact_details=True, remove_missing=False
    )
    assert changed.mapping[title_column] == ""
    assert changed.keep_contact_details is True
    assert all(record.title == "" for record in engine.preview(changed).records)


def test_a_mapping_naming_unknown_columns_or_fields_is_refused(mette):
    batch = upload(mette, data=SPREADSHEET)
    for mapping in ({"No such column": "title"}, {next(iter(batch.mapping)): "salary"}):
        with pytest.raises(Refused):
            actions.change_import_options(
                mette, batch, format="csv", mapping=mapping, keep_contact_details=False, remove_missing=False
            )


def test_forcing_the_wrong_format_is_refused_and_the_preview_is_unchanged(mette):
    batch = upload(mette)
    with pytest.raises(Refused):
        actions.change_import_options(
            mette, batch, format="vcard", mapping=None, keep_contact_details=False, remove_missing=False
        )
    batch.refresh_from_db()
    assert batch.format == "linkedin"


def test_too_many_waiting_previews_are_refused(mette, monkeypatch):
    monkeypatch.setattr(actions, "MAX_OPEN_PREVIEWS", 2)
    upload(mette)
    upload(mette)
    with pytest.raises(Refused):
        upload(mette)


def test_a_stranger_cannot_act_on_another_members_import(mette, lars):
    batch = upload(mette)
    for act in (actions.confirm_import, actions.cancel_import):
        with pytest.raises(Refused):
            act(lars, batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW


# The transition table, edge by edge.

IMPORT_STATES = [state.value for state in ImportStatus]


@pytest.mark.parametrize("source", IMPORT_STATES)
@pytest.mark.parametrize("target", IMPORT_STATES)
def test_the_import_table_allows_exactly_its_edges(source, target):
    assert allowed("import", source, target) == (target in TRANSITIONS["import"][source])


def in_state(owner, status: str, **fields) -> ImportBatch:
    batch = upload(owner)
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, **fields)
    batch.refresh_from_db()
    return batch


@pytest.mark.parametrize("status", IMPORT_STATES)
def test_confirm_only_from_preview(mette, status):
    batch = in_state(mette, status)
    if status == ImportStatus.PREVIEW:
        assert actions.confirm_import(mette, batch).status == ImportStatus.DONE
    else:
        with pytest.raises(Refused):
            actions.confirm_import(mette, batch)


@pytest.mark.parametrize("status", IMPORT_STATES)
def test_cancel_only_where_the_table_allows(mette, status):
    batch = in_state(mette, status)
    if status in sources_of("import", ImportStatus.CANCELLED):
        actions.cancel_import(mette, batch)
        batch.refresh_from_db()
        assert (batch.status, batch.content) == (ImportStatus.CANCELLED, b"")
    else:
        with pytest.raises(Refused):
            actions.cancel_import(mette, batch)


@pytest.mark.parametrize("status", IMPORT_STATES)
def test_retry_only_a_failed_or_interrupted_import(mette, status):
    batch = in_state(mette, status)
    if status == ImportStatus.FAILED:
        assert actions.retry_import(mette, batch).status == ImportStatus.DONE
    else:
        with pytest.raises(Refused):
            actions.retry_import(mette, batch)


def test_a_running_import_counts_as_interrupted_once_it_stops_reporting(mette):
    batch = in_state(mette, ImportStatus.RUNNING)
    assert not actions.is_interrupted(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(updated=timezone.now() - datetime.timedelta(minutes=11))
    batch.refresh_from_db()
    assert actions.is_interrupted(batch)
    assert actions.retry_import(mette, batch).status == ImportStatus.DONE


def test_the_run_only_starts_from_queued(mette):
    for status in IMPORT_STATES:
        if status == ImportStatus.QUEUED:
            continue
        batch = in_state(mette, status)
        engine.run_import(batch.pk)
        batch.refresh_from_db()
        assert batch.status == status


# Merge suggestions: the member decides hers; an operator decides across members.


@pytest.fixture
def suggestion(mette):
    first = Person.objects.create(name="Mette Frederiksen")
    second = Person.objects.create(name="Mette Fredriksen")
    from tests.conftest import know

    know(mette, first)
    know(mette, second)
    return MergeSuggestion.objects.create(
        owner=mette, person=second, candidate=first, score=94, reason="similar_name_at_organisation"
    )


def test_the_member_says_not_the_same_and_nothing_merges(mette, suggestion):
    actions.decide_suggestion(mette, suggestion, same=False)
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.REJECTED
    assert Person.objects.filter(name__startswith="Mette Fred").count() == 2
    with pytest.raises(Refused):
        actions.decide_suggestion(mette, suggestion, same=True)


def test_the_member_says_same_and_the_two_persons_become_one(mette, suggestion):
    actions.decide_suggestion(mette, suggestion, same=True)
    assert Person.objects.filter(name__startswith="Mette Fred").count() == 1
    assert Event.objects.filter(kind="merge_suggestion.decided", subject=suggestion.code).exists()


def test_a_stranger_cannot_decide_and_an_operator_can(mette, lars, olga, suggestion):
    with pytest.raises(Refused):
        actions.decide_suggestion(lars, suggestion, same=True)
    actions.decide_suggestion(olga, suggestion, same=False)
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.REJECTED


def test_an_operator_suggestion_is_not_for_members(mette, olga, suggestion):
    MergeSuggestion.objects.filter(pk=suggestion.pk).update(owner=None)
    suggestion.refresh_from_db()
    with pytest.raises(Refused):
        actions.decide_suggestion(mette, suggestion, same=True)
    actions.decide_suggestion(olga, suggestion, same=True)
    assert Person.objects.filter(name__startswith="Mette Fred").count() == 1


# The command line.


def test_the_command_imports_a_file_for_a_member(mette, capsys):
    call_command("import_contacts", str(FIXTURES / "linkedin_current.csv"), user="mette@example.org")
    output = capsys.readouterr().out
    assert "What the import did:" in output
    assert imported(mette).exists()


def test_the_command_dry_run_writes_nothing(mette, capsys):
    call_command("import_contacts", str(FIXTURES / "linkedin_current.csv"), user="mette@example.org", dry_run=True)
    assert "What the import would do:" in capsys.readouterr().out
    assert not imported(mette).exists()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("path", "options", "message"),
    [
        ("linkedin_current.csv", {"user": "nobody@example.org"}, "No active member"),
        ("no_such_file.csv", {"user": "mette@example.org"}, "Cannot read"),
        ("tiny.png", {"user": "mette@example.org"}, "picture"),
        ("linkedin_current.csv", {"user": "mette@example.org", "format": "vcard"}, "vCard"),
    ],
)
def test_the_command_fails_clearly(mette, path, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_contacts", str(FIXTURES / path), **options)
    assert not imported(mette).exists()


def test_files_left_waiting_or_failed_for_a_week_are_dropped_at_the_next_upload(mette, lars):
    waiting = in_state(mette, ImportStatus.PREVIEW)
    failed = in_state(mette, ImportStatus.FAILED)
    recent = in_state(mette, ImportStatus.PREVIEW)
    others = in_state(lars, ImportStatus.PREVIEW)
    week_ago = timezone.now() - datetime.timedelta(days=8)
    ImportBatch.objects.filter(pk__in=[waiting.pk, failed.pk, others.pk]).update(updated=week_ago)
    upload(mette)
    for batch in (waiting, failed, recent, others):
        batch.refresh_from_db()
    assert (waiting.status, waiting.content) == (ImportStatus.CANCELLED, b"")
    assert (failed.status, failed.content) == (ImportStatus.CANCELLED, b"")
    assert recent.status == ImportStatus.PREVIEW and recent.content
    assert others.status == ImportStatus.PREVIEW and others.content  # Lars's are his own business


def test_a_queued_import_whose_task_was_lost_can_be_retried(mette):
    batch = in_state(mette, ImportStatus.QUEUED)
    with pytest.raises(Refused):
        actions.retry_import(mette, batch)
    ImportBatch.objects.filter(pk=batch.pk).update(updated=timezone.now() - datetime.timedelta(minutes=11))
    batch.refresh_from_db()
    assert actions.is_interrupted(batch)
    assert actions.retry_import(mette, batch).status == ImportStatus.DONE
