"""The member's actions on a contact import, and on the merge suggestions it leaves.

An upload is read at once, so a bad file is refused before anything is stored;
the batch then waits in PREVIEW until the member confirms. Small files are
imported in the request; large ones in a background task the member can leave.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.network.actions import Refused
from kaffebro.network.importing import engine
from kaffebro.network.importing.readers import read_contacts
from kaffebro.network.importing.records import MAPPABLE_FIELDS, ImportRejected, ReadResult
from kaffebro.network.importing.states import sources_of
from kaffebro.network.models import (
    ImportBatch,
    ImportFormat,
    ImportStatus,
    MergeSuggestion,
    SuggestionStatus,
)

# A run that has not reported progress for this long died with its process.
INTERRUPTED_AFTER = datetime.timedelta(minutes=10)
# An uploaded file nobody confirmed or retried for this long is dropped: it may hold e-mails and phone numbers.
KEEP_UNFINISHED_FILES = datetime.timedelta(days=7)
MAX_OPEN_PREVIEWS = 20


def _read(data: bytes, format: str, mapping: dict[str, str] | None) -> ReadResult:
    try:
        return read_contacts(data, format=format, mapping=mapping)
    except ImportRejected as rejected:
        raise Refused(str(rejected.message), field="file") from rejected


def _check_upload(owner: User, data: bytes, format: str) -> None:
    if format not in ImportFormat.values:
        raise Refused(_("Choose a file format from the list."), field="format")
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise Refused(
            _("The file is larger than %(limit)s. Split it into smaller files.")
            % {"limit": filesizeformat(settings.IMPORT_MAX_BYTES)},
            field="file",
        )
    if ImportBatch.objects.filter(owner=owner, status=ImportStatus.PREVIEW).count() >= MAX_OPEN_PREVIEWS:
        raise Refused(_("You have too many imports waiting for confirmation. Import or cancel some of them first."))


def upload_contacts(
    owner: User, *, data: bytes, filename: str, format: str = ImportFormat.AUTO, keep_contact_details: bool = False
) -> ImportBatch:
    """Read the file and keep it, waiting for the member's confirmation; a file that cannot be read is refused."""
    _check_upload(owner, data, format)
    result = _read(data, format, None)
    with transaction.atomic():
        _drop_stale_files(owner)
        batch = ImportBatch.objects.create(
            owner=owner,
            format=result.format,
            filename=filename[:255],
            content=data,
            mapping=result.mapping,
            keep_contact_details=keep_contact_details,
            total_rows=len(result.records),
        )
        record_event("import.uploaded", actor=owner, subject=batch.code, format=result.format)
    return batch


def _drop_stale_files(owner: User) -> None:
    """Cancel the member's imports left waiting or failed for a week, dropping their files.

    Done whenever the member uploads; the scheduled retention jobs will do it for everyone.
    """
    stale = ImportBatch.objects.filter(
        owner=owner,
        status__in=sources_of("import", ImportStatus.CANCELLED),
        updated__lt=timezone.now() - KEEP_UNFINISHED_FILES,
    )
    for code in stale.values_list("code", flat=True):
        record_event("import.expired", actor=owner, subject=code)
    stale.update(status=ImportStatus.CANCELLED, content=b"", updated=timezone.now())


def _clean_mapping(mapping: dict[str, str] | None, result: ReadResult) -> dict[str, str] | None:
    if mapping is None:
        return None
    if set(mapping) - set(result.columns) or set(mapping.values()) - {*MAPPABLE_FIELDS, ""}:
        raise Refused(_("Choose a field for each column from the list."), field="mapping")
    return mapping


def change_import_options(
    owner: User,
    batch: ImportBatch,
    *,
    format: str,
    mapping: dict[str, str] | None,
    keep_contact_details: bool,
    remove_missing: bool,
) -> ImportBatch:
    """Change how the waiting file is read; the file is read again so a wrong choice is refused at once."""
    if format not in ImportFormat.values:
        raise Refused(_("Choose a file format from the list."), field="format")
    if format != batch.format:
        mapping = None  # a new format brings its own columns
    current = _read(bytes(batch.content), batch.format, batch.mapping or None)
    mapping = _clean_mapping(mapping, current) if format == batch.format else None
    result = _read(bytes(batch.content), format, mapping)
    with transaction.atomic():
        changed = ImportBatch.objects.filter(pk=batch.pk, owner=owner, status=ImportStatus.PREVIEW).update(
            format=result.format,
            mapping=result.mapping,
            keep_contact_details=keep_contact_details,
            remove_missing=remove_missing,
            total_rows=len(result.records),
            updated=timezone.now(),
        )
        if not changed:
            raise Refused(_("This import has already started or was cancelled."))
        record_event("import.options_changed", actor=owner, subject=batch.code, format=result.format)
    batch.refresh_from_db()
    return batch


def _queue(owner: User, batch: ImportBatch, event: str, background: bool | None) -> ImportBatch:
    """Move to QUEUED and start the run: now for a small file, in the background for a large one."""
    from kaffebro.network.tasks import run_contact_import

    inline = batch.total_rows <= settings.IMPORT_INLINE_ROWS if background is None else not background
    with transaction.atomic():
        changed = ImportBatch.objects.filter(_queueable(), pk=batch.pk, owner=owner).update(
            status=ImportStatus.QUEUED, updated=timezone.now(), error=""
        )
        if not changed:
            raise Refused(_("This import has already started or was cancelled."))
        record_event(event, actor=owner, subject=batch.code, inline=inline)
        if not inline:
            transaction.on_commit(lambda: run_contact_import.enqueue(batch.pk))
    if inline:
        engine.run_import(batch.pk)
    batch.refresh_from_db()
    return batch


def _queueable() -> Q:
    """Batches that may be queued now: waiting or failed ones, and runs that stopped reporting (interrupted).

    A queued batch whose task was lost is queued again in place: running it is still one conditional
    QUEUED -> RUNNING update, so it runs once however often it is dispatched.
    """
    stopped = Q(status__in=[ImportStatus.RUNNING, ImportStatus.QUEUED], updated__lt=timezone.now() - INTERRUPTED_AFTER)
    return Q(status__in=[ImportStatus.PREVIEW, ImportStatus.FAILED]) | stopped


def is_interrupted(batch: ImportBatch) -> bool:
    """A run, or a queued task, that has not reported for a while: its process died."""
    running = batch.status in (ImportStatus.RUNNING, ImportStatus.QUEUED)
    return running and timezone.now() - batch.updated > INTERRUPTED_AFTER


def confirm_import(owner: User, batch: ImportBatch, *, background: bool | None = None) -> ImportBatch:
    """Start the import; `background` None lets the file's size decide (the command line always waits)."""
    if batch.status != ImportStatus.PREVIEW:
        raise Refused(_("This import has already started or was cancelled."))
    return _queue(owner, batch, "import.confirmed", background)


def retry_import(owner: User, batch: ImportBatch) -> ImportBatch:
    """Run a failed or interrupted import again from its kept file; the failed run wrote nothing."""
    if batch.status != ImportStatus.FAILED and not is_interrupted(batch):
        raise Refused(_("Only a failed or interrupted import can be tried again."))
    return _queue(owner, batch, "import.retried", None)


def cancel_import(owner: User, batch: ImportBatch) -> None:
    """Drop a waiting import and its file."""
    with transaction.atomic():
        changed = ImportBatch.objects.filter(
            pk=batch.pk, owner=owner, status__in=sources_of("import", ImportStatus.CANCELLED)
        ).update(status=ImportStatus.CANCELLED, content=b"", updated=timezone.now(), finished=timezone.now())
        if not changed:
            raise Refused(_("This import can no longer be cancelled."))
        record_event("import.cancelled", actor=owner, subject=batch.code)


def decide_suggestion(actor: User, suggestion: MergeSuggestion, *, same: bool) -> None:
    """The member (or an operator, who also decides suggestions across members) says whether two persons are one."""
    from kaffebro.network.importing.merges import may_merge_persons, merge_persons, persons_in_merge_order

    if not (actor.is_staff or suggestion.owner_id == actor.pk):
        raise Refused(_("This suggestion is not yours to decide."))
    target = SuggestionStatus.ACCEPTED if same else SuggestionStatus.REJECTED
    with transaction.atomic():
        changed = MergeSuggestion.objects.filter(pk=suggestion.pk, status__in=sources_of("suggestion", target)).update(
            status=target, decided=timezone.now()
        )
        if not changed:
            raise Refused(_("This suggestion has already been decided."))
        if same:
            kept, merged = persons_in_merge_order(suggestion.person, suggestion.candidate)
            if not may_merge_persons(actor, kept, merged):
                raise Refused(_("These two persons cannot be merged."))
            merge_persons(actor, kept, merged, reason=suggestion.reason)
        record_event("merge_suggestion.decided", actor=actor, subject=suggestion.code, same=same)
