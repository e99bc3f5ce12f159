"""The graph index: the whole network as a handful of compact NumPy arrays, built in bulk from the database.

Layout (see docs/paths.md): persons sorted by id are the nodes; each tie is stored
in both directions as CSR rows (`indptr`, `indices`, `flags`, `days`), each row
sorted strongest first; current positions are kept sorted by organisation and,
through a permutation, by unit, so a target set is a few slices. Nothing here
holds a name, an e-mail address or a contact card field.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from django.db import connections
from django.utils import timezone

from kaffebro.network.importing.normalise import fold
from kaffebro.network.models import Industry, Region
from kaffebro.paths import scoring
from kaffebro.paths.scoring import RATED, RECORDED_BY_ROW, SHARED_BY_NEIGHBOUR, SHARED_BY_ROW

# Node flags.
MEMBER = 1
CONNECTOR = 2  # an active member open to introductions: may be passed through
SHOWS_NAME = 4  # a connector who lets others' paths show their name

FETCH_ROWS = 200_000
REGIONS = [choice.value for choice in Region]
INDUSTRIES = [choice.value for choice in Industry]

# Arrays saved in a snapshot, with their dtypes.
ARRAYS: dict[str, Any] = {
    "persons": np.int64,
    "indptr": np.int64,
    "indices": np.int32,
    "flags": np.uint8,
    "days": np.uint16,
    "shared": np.uint8,
    "shared_days": np.uint16,
    "node_flags": np.uint8,
    "capacity": np.float64,
    "organisations": np.int64,
    "organisation_region": np.int8,
    "organisation_industry": np.int8,
    "units": np.int64,
    "unit_parent": np.int32,
    "unit_organisation": np.int32,
    "position_node": np.int32,
    "position_organisation": np.int32,
    "position_unit": np.int32,
    "position_decides": np.uint8,
    "position_title": np.int32,
    "organisation_ptr": np.int64,
    "unit_order": np.int32,
    "unit_ptr": np.int64,
}


@dataclass
class GraphIndex:
    persons: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    flags: np.ndarray
    days: np.ndarray
    shared: np.ndarray
    shared_days: np.ndarray
    node_flags: np.ndarray
    capacity: np.ndarray
    organisations: np.ndarray
    organisation_region: np.ndarray
    organisation_industry: np.ndarray
    units: np.ndarray
    unit_parent: np.ndarray
    unit_organisation: np.ndarray
    position_node: np.ndarray
    position_organisation: np.ndarray
    position_unit: np.ndarray
    position_decides: np.ndarray
    position_title: np.ndarray
    organisation_ptr: np.ndarray
    unit_order: np.ndarray
    unit_ptr: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        return len(self.persons)

    @property
    def tie_count(self) -> int:
        return len(self.indices) // 2

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in ARRAYS)

    @property
    def version(self) -> str:
        return self.meta.get("version", "memory")

    @property
    def watermark(self) -> int:
        """The last `GraphChange` id this index already contains."""
        return int(self.meta.get("watermark", 0))

    @property
    def titles(self) -> list[str]:
        return self.meta.get("titles", [])

    @property
    def unit_names(self) -> list[str]:
        return self.meta.get("unit_names", [])

    def arrays(self) -> dict[str, np.ndarray]:
        return {item.name: getattr(self, item.name) for item in fields(self) if item.name != "meta"}

    def node_of(self, person_ids: np.ndarray) -> np.ndarray:
        """Node indices of person ids; -1 for persons not in the index."""
        person_ids = np.asarray(person_ids, dtype=np.int64)
        where = np.searchsorted(self.persons, person_ids)
        where = np.minimum(where, max(len(self.persons) - 1, 0))
        found = (len(self.persons) > 0) & (self.persons[where] == person_ids) if len(self.persons) else False
        return np.where(found, where, -1).astype(np.int64)


def build_index(using: str = "default") -> GraphIndex:
    """Read the network in bulk and lay it out as arrays; the watermark is read first, so nothing is missed."""
    started = time.monotonic()
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM network_graphchange")
        watermark = int(cursor.fetchone()[0])
    persons = _column(connection, "SELECT id FROM network_person WHERE NOT suppressed ORDER BY id", np.int64)
    node_flags, capacity = _members(connection, persons)
    organisations, region, industry = _organisations(connection)
    units, unit_parent, unit_organisation, unit_names = _units(connection, organisations)
    positions, titles = _positions(connection, persons, organisations, units)
    records = _tie_records(connection)
    blocked = _blocked_pairs(connection, persons, positions)
    edges = _edges(persons, records, blocked, (node_flags & CONNECTOR) != 0)
    organisation_ptr = _pointers(positions["position_organisation"], len(organisations))
    with_unit = np.flatnonzero(positions["position_unit"] >= 0)
    unit_order = with_unit[np.argsort(positions["position_unit"][with_unit], kind="stable")].astype(np.int32)
    unit_ptr = _pointers(positions["position_unit"][unit_order], len(units))
    meta = {
        "built_at": timezone.now().isoformat(),
        "watermark": watermark,
        "titles": titles,
        "unit_names": unit_names,
        "build_seconds": round(time.monotonic() - started, 3),
        "today": scoring.day_number(timezone.localdate()),
    }
    return GraphIndex(
        persons=persons,
        node_flags=node_flags,
        capacity=capacity,
        organisations=organisations,
        organisation_region=region,
        organisation_industry=industry,
        units=units,
        unit_parent=unit_parent,
        unit_organisation=unit_organisation,
        organisation_ptr=organisation_ptr,
        unit_order=unit_order,
        unit_ptr=unit_ptr,
        meta=meta,
        **edges,
        **positions,
    )


def _column(connection, sql: str, dtype) -> np.ndarray:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        chunks = []
        while rows := cursor.fetchmany(FETCH_ROWS):
            chunks.append(np.array([row[0] for row in rows], dtype=dtype))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=dtype)


def _rows(connection, sql: str, params: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _nodes(persons: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Node index per person id, -1 when the person is not a node (suppressed)."""
    if len(persons) == 0:
        return np.full(len(ids), -1, dtype=np.int64)
    where = np.minimum(np.searchsorted(persons, ids), len(persons) - 1)
    return np.where(persons[where] == ids, where, -1)


def _members(connection, persons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Member, connector and show-name flags, and each connector's capacity (docs/paths.md)."""
    node_flags = np.zeros(len(persons), dtype=np.uint8)
    capacity = np.ones(len(persons), dtype=np.float64)
    today = timezone.localdate()
    this_month = today.replace(day=1)
    rows = _rows(
        connection,
        "SELECT p.id, u.is_active, cs.open_to_introductions, cs.paused_until, cs.monthly_limit, cs.show_name_in_paths, "
        "cs.introductions_month, cs.introductions_used "
        "FROM network_person p JOIN accounts_user u ON u.id = p.member_id "
        "LEFT JOIN network_connectorsettings cs ON cs.user_id = u.id WHERE NOT p.suppressed",
    )
    for person_id, active, open_to, paused_until, limit, shows_name, month, used in rows:
        node = int(np.searchsorted(persons, person_id))
        flags = MEMBER
        if active and open_to:
            flags |= CONNECTOR | (SHOWS_NAME if shows_name else 0)
            pause_ends = _as_date(paused_until)
            paused = pause_ends is not None and pause_ends >= today
            used_now = int(used or 0) if _as_date(month) == this_month else 0  # an earlier month's count is spent
            capacity[node] = scoring.capacity(paused, int(limit), used_now)
        node_flags[node] = flags
    return node_flags, capacity


def _as_date(value: Any) -> datetime.date | None:
    """SQLite hands dates back as text in raw queries."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _organisations(connection) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = _rows(connection, "SELECT id, region, industry FROM network_organisation ORDER BY id")
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    region = np.array([REGIONS.index(row[1]) if row[1] in REGIONS else -1 for row in rows], dtype=np.int8)
    industry = np.array([INDUSTRIES.index(row[2]) if row[2] in INDUSTRIES else -1 for row in rows], dtype=np.int8)
    return ids, region, industry


def _units(connection, organisations: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    rows = _rows(connection, "SELECT id, parent_id, organisation_id, name FROM network_unit ORDER BY id")
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    parents = np.array([row[1] if row[1] is not None else -1 for row in rows], dtype=np.int64)
    parent = np.where(parents >= 0, np.searchsorted(ids, parents), -1).astype(np.int32)
    owners = np.array([row[2] for row in rows], dtype=np.int64)
    organisation = np.searchsorted(organisations, owners).astype(np.int32)
    return ids, parent, organisation, [fold(row[3]) for row in rows]


def _positions(
    connection, persons: np.ndarray, organisations: np.ndarray, units: np.ndarray
) -> tuple[dict[str, np.ndarray], list[str]]:
    """Current positions of indexed persons, sorted by organisation; titles as folded words numbered once."""
    rows = _rows(
        connection,
        "SELECT person_id, organisation_id, unit_id, is_decision_maker, title FROM network_position "
        "WHERE end_date IS NULL ORDER BY organisation_id, person_id, id",
    )
    person_ids = np.array([row[0] for row in rows], dtype=np.int64)
    node = _nodes(persons, person_ids)
    keep = node >= 0
    organisation = np.searchsorted(organisations, np.array([row[1] for row in rows], dtype=np.int64))
    unit_ids = np.array([row[2] if row[2] is not None else -1 for row in rows], dtype=np.int64)
    unit = np.where(unit_ids >= 0, np.searchsorted(units, unit_ids), -1)
    decides = np.array([bool(row[3]) for row in rows], dtype=np.uint8)
    numbers: dict[str, int] = {}
    raw_titles: dict[str, int] = {}
    title = np.empty(len(rows), dtype=np.int32)
    for i, row in enumerate(rows):
        raw = row[4] or ""
        number = raw_titles.get(raw)
        if number is None:
            folded = fold(raw)
            number = numbers.setdefault(folded, len(numbers)) if folded else -1
            raw_titles[raw] = number
        title[i] = number
    positions: dict[str, np.ndarray] = {
        "position_node": node[keep].astype(np.int32),
        "position_organisation": organisation[keep].astype(np.int32),
        "position_unit": unit[keep].astype(np.int32),
        "position_decides": decides[keep],
        "position_title": title[keep],
    }
    return positions, list(numbers)


def _pointers(sorted_keys: np.ndarray, count: int) -> np.ndarray:
    pointers = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(sorted_keys, minlength=count)[:count], out=pointers[1:])
    return pointers


# Ties.

_TIE_COLUMNS = "t.person_a_id, t.person_b_id, (t.strength + 8 * {rated} + 16 * {private}), {days}"


def _tie_sql(vendor: str) -> str:
    if vendor == "postgresql":
        columns = _TIE_COLUMNS.format(
            rated="t.strength_rated::int",
            private="t.is_private::int",
            days="COALESCE(t.last_contact - DATE '2000-01-01', 0)",
        )
        columns = columns.replace("t.person_a_id,", "t.person_a_id::int4,").replace(
            "t.person_b_id,", "t.person_b_id::int4,"
        )
        columns = columns.replace("(t.strength +", "(t.strength::int4 +")
        return f"SELECT {columns} FROM network_tie t"
    columns = _TIE_COLUMNS.format(
        rated="t.strength_rated",
        private="t.is_private",
        days="COALESCE(CAST(julianday(t.last_contact) - 2451544.5 AS INTEGER), 0)",
    )
    return f"SELECT {columns} FROM network_tie t"


_COPY_TUPLE = np.dtype(
    [
        ("fields", ">i2"),
        ("la", ">i4"),
        ("a", ">i4"),
        ("lb", ">i4"),
        ("b", ">i4"),
        ("lc", ">i4"),
        ("c", ">i4"),
        ("ld", ">i4"),
        ("d", ">i4"),
    ]
)
_COPY_HEADER = 19


def _tie_records(connection) -> dict[str, np.ndarray]:
    """Every tie record as columns a, b (person ids), packed (strength | rated | private) and days."""
    sql = _tie_sql(connection.vendor)
    if connection.vendor == "postgresql":
        return _tie_records_by_copy(connection, sql)
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(FETCH_ROWS):
            chunks.append(np.array(rows, dtype=np.int64).reshape(-1, 4))
    table = np.concatenate(chunks) if chunks else np.zeros((0, 4), dtype=np.int64)
    return {"a": table[:, 0], "b": table[:, 1], "packed": table[:, 2], "days": table[:, 3]}


def _tie_records_by_copy(connection, sql: str) -> dict[str, np.ndarray]:
    """PostgreSQL's binary COPY, parsed by NumPy as fixed-size tuples (every column is NOT NULL int4)."""
    buffer = bytearray()
    with connection.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)") as copy:
        for block in copy:
            buffer += block
    body = memoryview(buffer)[_COPY_HEADER : len(buffer) - 2]
    table = np.frombuffer(body, dtype=_COPY_TUPLE)
    return {
        "a": table["a"].astype(np.int64),
        "b": table["b"].astype(np.int64),
        "packed": table["c"].astype(np.int64),
        "days": table["d"].astype(np.int64),
    }


def _blocked_pairs(connection, persons: np.ndarray, positions: dict[str, np.ndarray]) -> np.ndarray:
    """Keys (owner node << 32 | other node) of tie records their owner's blocks make unshareable."""
    person_blocks = _rows(
        connection,
        "SELECT p.id, b.person_id FROM network_block b JOIN network_person p ON p.member_id = b.owner_id "
        "WHERE b.person_id IS NOT NULL",
    )
    organisation_blocks = _rows(
        connection,
        "SELECT p.id, pos.person_id FROM network_block b JOIN network_person p ON p.member_id = b.owner_id "
        "JOIN network_position pos ON pos.organisation_id = b.organisation_id AND pos.end_date IS NULL "
        "WHERE b.organisation_id IS NOT NULL",
    )
    pairs = np.array(person_blocks + organisation_blocks, dtype=np.int64).reshape(-1, 2)
    owner, other = _nodes(persons, pairs[:, 0]), _nodes(persons, pairs[:, 1])
    keep = (owner >= 0) & (other >= 0)
    return np.unique((owner[keep] << 32) | other[keep])


def _edges(
    persons: np.ndarray, records: dict[str, np.ndarray], blocked: np.ndarray, connector: np.ndarray
) -> dict[str, np.ndarray]:
    """Both directions of every record, combined per pair, as CSR rows sorted strongest first.

    A record is *shareable* when it is not private, its owner is an opted-in connector
    (`connector`, by node) and has not blocked the other person. Each entry u → v holds
    two views of the tie: u's own view (`flags`, `days`: u's records, private ones too,
    and v's shareable ones) for when u is the seeker, and the shared view (`shared`,
    `shared_days`: shareable records only) for everyone else. A private rating never
    reaches anyone but its owner. Entries nobody may use are dropped.
    """
    n = len(persons)
    a, b = _nodes(persons, records["a"]), _nodes(persons, records["b"])
    keep = (a >= 0) & (b >= 0) & (a != b)
    a, b = a[keep], b[keep]
    packed = records["packed"][keep]
    days = np.clip(records["days"][keep], 0, 65535)
    priority = ((packed >> 3) & 1) * 8 + (packed & 7)  # a human rating beats any default, then the strength
    shareable = (((packed >> 4) & 1) == 0) & connector[a] & ~np.isin((a << 32) | b, blocked)
    # a → b is the owner's own record; b → a is that record seen from the other end.
    rows = np.concatenate([a, b])
    cols = np.concatenate([b, a])
    own = np.concatenate([np.ones(len(a), dtype=bool), np.zeros(len(a), dtype=bool)])
    shared = np.concatenate([shareable, shareable])
    priority = np.concatenate([priority, priority])
    days = np.concatenate([days, days])
    del a, b, packed, shareable
    usable = own | shared
    rows, cols, own, shared, priority, days = (
        rows[usable],
        cols[usable],
        own[usable],
        shared[usable],
        priority[usable],
        days[usable],
    )
    bits = np.where(own, RECORDED_BY_ROW, 0) | np.where(shared & own, SHARED_BY_ROW, 0)
    bits |= np.where(shared & ~own, SHARED_BY_NEIGHBOUR, 0)
    key = (rows << 32) | cols
    order = np.argsort(key, kind="stable")
    key, bits, own, shared, priority, days = (
        key[order],
        bits[order],
        own[order],
        shared[order],
        priority[order],
        days[order],
    )
    del order, rows, cols
    first_priority, first_days = priority, days  # every remaining entry is in its row's own view
    shared_priority, shared_days = np.where(shared, priority, 0), np.where(shared, days, 0)
    if len(key):
        starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        key = key[starts]
        bits = np.bitwise_or.reduceat(bits, starts)
        first_priority = np.maximum.reduceat(first_priority, starts)
        first_days = np.maximum.reduceat(first_days, starts)
        shared_priority = np.maximum.reduceat(shared_priority, starts)
        shared_days = np.maximum.reduceat(shared_days, starts)
    row = key >> 32
    col = key & 0xFFFFFFFF
    # Strongest first inside each row (by the shared view, which the middle scans use); ties keep the neighbour order.
    order = np.argsort((row << 4) | (15 - shared_priority), kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=n)[:n], out=indptr[1:])
    return {
        "indptr": indptr,
        "indices": col[order].astype(np.int32),
        "flags": (_strength_byte(first_priority) | bits)[order].astype(np.uint8),
        "days": first_days[order].astype(np.uint16),
        "shared": _strength_byte(shared_priority)[order].astype(np.uint8),
        "shared_days": shared_days[order].astype(np.uint16),
    }


def _strength_byte(priority: np.ndarray) -> np.ndarray:
    """Strength in the low three bits and the rated bit, from rated * 8 + strength (0: no record)."""
    return (priority & 7) | np.where(priority >= 8, RATED, 0)
