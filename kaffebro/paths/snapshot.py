"""Graph snapshots: written once, published atomically, memory-mapped by every process.

A snapshot is a directory with one file of arrays and `meta.json` (where each array lies). Publishing renames a
fresh symbolic link over `current`, so a reader sees the old snapshot or the new
one, never half of either. Readers map the files read-only: all processes on a
machine share one copy in the page cache, and opening costs a few system calls.
Old versions are deleted after `KEEP_SECONDS`; a process that still has one
mapped keeps reading it (the files live until it lets go).
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import secrets
import shutil
import threading
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from kaffebro.core.health import NotReady
from kaffebro.paths.index import ARRAYS, GraphIndex, build_index

CURRENT = "current"
ARRAYS_FILE = "arrays.bin"
ALIGNMENT = 64
KEEP_SECONDS = 15 * 60
KEEP_VERSIONS = 2

_opened: dict[str, GraphIndex] = {}
_lock = threading.Lock()


def directory() -> Path:
    return Path(settings.GRAPH_SNAPSHOT_DIR)


def publish(index: GraphIndex, where: Path | None = None) -> Path:
    """Write the index as a new version and make it current in one rename."""
    where = where or directory()
    where.mkdir(parents=True, exist_ok=True)
    version = f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
    staging = where / f".{version}.tmp"
    staging.mkdir()
    layout = _write_arrays(index, staging / ARRAYS_FILE)
    meta = {**index.meta, "version": version, "ties": index.tie_count, "persons": index.node_count, "layout": layout}
    (staging / "meta.json").write_text(json.dumps(meta))
    _fsync_directory(staging)
    final = where / f"v-{version}"
    staging.rename(final)
    link = where / f".{CURRENT}-{version}"
    link.symlink_to(final.name)
    os.replace(link, where / CURRENT)
    _fsync_directory(where)
    _remove_old_versions(where, keep=final)
    return final


def _write_arrays(index: GraphIndex, path: Path) -> dict[str, list]:
    """All arrays in one file, each at an aligned offset, so opening is one `mmap` (offset, length per array)."""
    layout: dict[str, list] = {}
    offset = 0
    with open(path, "wb") as out:
        for name, dtype in ARRAYS.items():
            data = np.ascontiguousarray(getattr(index, name), dtype=dtype)
            padding = -offset % ALIGNMENT
            out.write(b"\0" * padding)
            offset += padding
            out.write(data.tobytes())
            layout[name] = [offset, len(data)]
            offset += data.nbytes
        out.flush()
        os.fsync(out.fileno())
    return layout


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_old_versions(where: Path, keep: Path) -> None:
    versions = sorted(where.glob("v-*"), key=lambda path: path.stat().st_mtime, reverse=True)
    now = time.time()
    for old in versions[KEEP_VERSIONS:]:
        if old != keep and now - old.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(old, ignore_errors=True)


def current_version(where: Path | None = None) -> str | None:
    """The published version's name, or None when nothing is published."""
    try:
        return os.readlink((where or directory()) / CURRENT).removeprefix("v-")
    except (FileNotFoundError, OSError):
        return None


def open_version(version: str, where: Path | None = None) -> GraphIndex:
    """Map one version's arrays read-only (no copy) and read its meta."""
    path = (where or directory()) / f"v-{version}"
    meta = json.loads((path / "meta.json").read_text())
    mapped = np.memmap(path / ARRAYS_FILE, dtype=np.uint8, mode="r")
    arrays = {}
    for name, dtype in ARRAYS.items():
        offset, length = meta["layout"][name]
        size = np.dtype(dtype).itemsize * length
        arrays[name] = mapped[offset : offset + size].view(dtype)
    return GraphIndex(**arrays, meta=meta)


def open_current(where: Path | None = None) -> GraphIndex | None:
    """The published snapshot, mapped once per process and version."""
    version = current_version(where)
    if version is None:
        return None
    key = f"{where or directory()}:{version}"
    index = _opened.get(key)
    if index is None:
        with _lock:
            index = _opened.get(key)
            if index is None:
                try:
                    index = open_version(version, where)
                except FileNotFoundError:  # replaced and removed between readlink and open
                    return open_current(where)
                _opened.clear()
                _opened[key] = index
    return index


def check_published() -> str:
    """Readiness of this app server (`/health/ready`): the published snapshot maps, as every search maps it."""
    index = open_current()
    if index is None:
        raise NotReady("no graph snapshot is published on this server; run manage.py build_graph")
    return f"version {index.meta['version']}"


def require_current(where: Path | None = None) -> GraphIndex:
    """The published snapshot, built and published first when there is none."""
    index = open_current(where)
    if index is None:
        rebuild(where=where)
        index = open_current(where)
    if index is None:
        raise RuntimeError(f"No graph snapshot could be published in {where or directory()}")
    return index


def latest_change() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM network_graphchange")
        return int(cursor.fetchone()[0])


def rebuild(only_if_stale: bool = False, where: Path | None = None) -> bool:
    """Build and publish a snapshot; with `only_if_stale`, skip when no change came after the current one.

    One builder at a time per snapshot directory (a file lock); a second caller
    waits and then usually finds nothing left to do.
    """
    where = where or directory()
    where.mkdir(parents=True, exist_ok=True)
    with open(where / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if only_if_stale:
            published = open_current(where)
            if published is not None and published.watermark >= latest_change():
                return False
        index = build_index()
        publish(index, where)
        _forget_applied_changes(index.watermark)
    return True


def _forget_applied_changes(watermark: int) -> None:
    """Change rows older than a day that the new snapshot contains; the last one stays as the snapshot's anchor."""
    from django.utils import timezone

    from kaffebro.network.models import GraphChange

    a_day_ago = timezone.now() - datetime.timedelta(days=1)
    GraphChange.objects.filter(id__lt=watermark, created__lt=a_day_ago).delete()


def forget_opened() -> None:
    """Drop this process's mapped snapshots (tests, and after a database is replaced)."""
    with _lock:
        _opened.clear()
