"""Changes committed after the snapshot, laid over it at query time.

Every write that can alter a path leaves a `GraphChange` row naming the persons
it touched. A search reads the rows newer than the snapshot's watermark (one
indexed query, usually empty); when there are some, the persons they name are
re-read from the database and *replace* their rows: every tie touching them,
their flags and their positions come from the database, everything else from the
snapshot. The overlay is built once per set of changes and shared by all queries
of the process until the next snapshot makes it unnecessary.
"""

from __future__ import annotations

import threading

import numpy as np
from django.db import connection
from django.utils import timezone

from kaffebro.network.importing.normalise import fold
from kaffebro.paths import snapshot
from kaffebro.paths.engine import BaseView, PathEngine, gather_rows
from kaffebro.paths.index import CONNECTOR, MEMBER, SHOWS_NAME, GraphIndex, _as_date, _edges, _tie_sql
from kaffebro.paths.scoring import capacity
from kaffebro.paths.targets import ROLE, FieldWords, Positions

_engines: dict[tuple, PathEngine] = {}
_lock = threading.Lock()
CHUNK = 900  # ids per IN list: below SQLite's variable limit


def current_engine() -> PathEngine:
    """The engine for the published snapshot and every change committed after it."""
    index = snapshot.require_current()
    changes = _changes_from(index.watermark)
    if index.watermark and (not changes or changes[0][0] != index.watermark):
        # The change the snapshot ends with is gone: the database was replaced or restored. Start afresh.
        snapshot.rebuild()
        index = snapshot.require_current()
        changes = _changes_from(index.watermark)
    if index.watermark:
        changes = changes[1:]
    key = (index.version, changes[-1][0] if changes else 0)
    engine = _engines.get(key)
    if engine is None:
        with _lock:
            engine = _engines.get(key)
            if engine is None:
                view = BaseView(index) if not changes else OverlayView(index, {p for _id, ps in changes for p in ps})
                engine = PathEngine(view)
                _engines.clear()
                _engines[key] = engine
    return engine


def _changes_from(watermark: int) -> list[tuple[int, list[int]]]:
    """The snapshot's last change and every later one, in one indexed query."""
    from kaffebro.network.models import GraphChange

    return list(GraphChange.objects.filter(id__gte=watermark).order_by("id").values_list("id", "persons"))


def _in_chunks(sql: str, ids: list[int]) -> list[tuple]:
    """Run `sql` (with one `{ids}` placeholder) over the ids in chunks."""
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            cursor.execute(sql.format(ids=", ".join(["%s"] * len(chunk))), chunk)
            rows.extend(cursor.fetchall())
    return rows


class OverlayView(BaseView):
    """The snapshot with the changed persons' rows, flags and positions replaced by the database's."""

    def __init__(self, index: GraphIndex, changed_person_ids: set[int]):
        super().__init__(index)
        base_count = index.node_count
        changed = np.array(sorted(changed_person_ids), dtype=np.int64)
        records = self._records(changed)
        base_nodes = index.node_of(changed)
        endpoint_ids = np.unique(np.concatenate([records["a"], records["b"], changed]))
        known = index.node_of(endpoint_ids)
        newcomers = endpoint_ids[known < 0]
        newcomers = newcomers[~self._suppressed(newcomers)]
        self.newcomers = newcomers
        self.node_count = base_count + len(newcomers)
        self.persons = np.concatenate([index.persons, newcomers])
        self.changed = np.zeros(self.node_count, dtype=bool)
        self.changed[base_nodes[base_nodes >= 0]] = True
        self.changed[base_count:] = True
        self._flags_of_changed()
        self._edges_of_changed(records)
        self._positions_of_changed()

    # Persons

    def nodes_of_persons(self, person_ids: np.ndarray) -> np.ndarray:
        nodes = self.index.node_of(person_ids)
        if len(self.newcomers):
            where = np.minimum(np.searchsorted(self.newcomers, person_ids), len(self.newcomers) - 1)
            new = (nodes < 0) & (self.newcomers[where] == person_ids)
            nodes = np.where(new, self.index.node_count + where, nodes)
        return nodes

    def _suppressed(self, person_ids: np.ndarray) -> np.ndarray:
        if not len(person_ids):
            return np.zeros(0, dtype=bool)
        rows = _in_chunks("SELECT id FROM network_person WHERE suppressed AND id IN ({ids})", person_ids.tolist())
        return np.isin(person_ids, np.array([row[0] for row in rows], dtype=np.int64))

    # Ties

    def _records(self, changed: np.ndarray) -> dict[str, np.ndarray]:
        sql = _tie_sql(connection.vendor)
        rows = _in_chunks(f"{sql} WHERE t.person_a_id IN ({{ids}})", changed.tolist())
        rows += self._incoming(sql, changed)
        table = np.array(rows, dtype=np.int64).reshape(-1, 4)
        return {"a": table[:, 0], "b": table[:, 1], "packed": table[:, 2], "days": table[:, 3]}

    def _incoming(self, sql: str, changed: np.ndarray) -> list[tuple]:
        """Records by others of a changed person (their own records were read already)."""
        ids = changed.tolist()
        rows = _in_chunks(f"{sql} WHERE t.person_b_id IN ({{ids}})", ids)
        mine = set(ids)
        return [row for row in rows if row[0] not in mine]

    def _blocked(self, owners: list[int]) -> np.ndarray:
        """(owner person id, blocked person id) pairs of these owners' blocks."""
        person_blocks = _in_chunks(
            "SELECT p.id, b.person_id FROM network_block b JOIN network_person p ON p.member_id = b.owner_id "
            "WHERE b.person_id IS NOT NULL AND p.id IN ({ids})",
            owners,
        )
        organisation_blocks = _in_chunks(
            "SELECT p.id, pos.person_id FROM network_block b JOIN network_person p ON p.member_id = b.owner_id "
            "JOIN network_position pos ON pos.organisation_id = b.organisation_id AND pos.end_date IS NULL "
            "WHERE b.organisation_id IS NOT NULL AND p.id IN ({ids})",
            owners,
        )
        return np.array(person_blocks + organisation_blocks, dtype=np.int64).reshape(-1, 2)

    def _edges_of_changed(self, records: dict[str, np.ndarray]) -> None:
        """Every tie touching a changed person, combined exactly as the index combines them."""
        local = np.unique(np.concatenate([records["a"], records["b"]])) if len(records["a"]) else np.zeros(0, np.int64)
        local = local[(self.nodes_of_persons(local) >= 0) & ~self._suppressed(local)]
        pairs = self._blocked(np.unique(records["a"]).tolist())
        owner = np.searchsorted(local, pairs[:, 0]) if len(local) else pairs[:, 0]
        other = np.searchsorted(local, pairs[:, 1]) if len(local) else pairs[:, 1]
        valid = (owner < len(local)) & (other < len(local))
        valid[valid] &= (local[owner[valid]] == pairs[valid, 0]) & (local[other[valid]] == pairs[valid, 1])
        blocked = np.unique((owner[valid].astype(np.int64) << 32) | other[valid])
        global_of_local = self.nodes_of_persons(local)
        connector = (self.node_flags[global_of_local] & CONNECTOR) != 0
        edges = _edges(local, records, blocked, connector)
        row_of_entry = np.repeat(np.arange(len(local)), np.diff(edges["indptr"]))
        rows = global_of_local[row_of_entry]
        cols = global_of_local[edges["indices"]]
        touching = self.changed[rows] | self.changed[cols]
        rows, cols = rows[touching], cols[touching]
        order = np.argsort(rows, kind="stable")
        self.extra_indptr = np.zeros(self.node_count + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=self.node_count), out=self.extra_indptr[1:])
        self.extra_indices = cols[order]
        self.extra = {name: edges[name][touching][order] for name in ("flags", "days", "shared", "shared_days")}

    def rows(self, nodes: np.ndarray, own: bool = False):
        base = nodes < self.index.node_count
        base &= ~self.changed[np.minimum(nodes, self.node_count - 1)]
        base_nodes = np.flatnonzero(base)
        source, entries = gather_rows(self.index.indptr, nodes[base_nodes])
        neighbour = self.index.indices[entries]
        keep = ~self.changed[neighbour]
        source_extra, extra = gather_rows(self.extra_indptr, nodes)
        strength, days = ("flags", "days") if own else ("shared", "shared_days")
        return (
            np.concatenate([base_nodes[source[keep]], source_extra]),
            np.concatenate([neighbour[keep], self.extra_indices[extra]]),
            np.concatenate([getattr(self.index, strength)[entries][keep], self.extra[strength][extra]]),
            np.concatenate([getattr(self.index, days)[entries][keep], self.extra[days][extra]]),
        )

    def degrees(self, nodes: np.ndarray) -> np.ndarray:
        inside = np.minimum(nodes, self.index.node_count - 1)
        base = np.where(nodes < self.index.node_count, self.index.indptr[inside + 1] - self.index.indptr[inside], 0)
        return base + self.extra_indptr[nodes + 1] - self.extra_indptr[nodes]

    # Flags

    def _flags_of_changed(self) -> None:
        self.node_flags = np.concatenate([self.index.node_flags, np.zeros(len(self.newcomers), dtype=np.uint8)])
        self.capacity = np.concatenate([self.index.capacity, np.ones(len(self.newcomers), dtype=np.float64)])
        nodes = np.flatnonzero(self.changed)
        self.node_flags[nodes] = 0
        self.capacity[nodes] = 1.0
        today = timezone.localdate()
        this_month = today.replace(day=1)
        rows = _in_chunks(
            "SELECT p.id, u.is_active, cs.open_to_introductions, cs.paused_until, cs.monthly_limit, "
            "cs.show_name_in_paths, cs.introductions_month, cs.introductions_used "
            "FROM network_person p JOIN accounts_user u ON u.id = p.member_id "
            "LEFT JOIN network_connectorsettings cs ON cs.user_id = u.id WHERE NOT p.suppressed AND p.id IN ({ids})",
            self.persons[nodes].tolist(),
        )
        for person_id, active, open_to, paused_until, limit, shows_name, month, used in rows:
            node = int(self.nodes_of_persons(np.array([person_id]))[0])
            flags = MEMBER
            if active and open_to:
                flags |= CONNECTOR | (SHOWS_NAME if shows_name else 0)
                pause_ends = _as_date(paused_until)
                paused = pause_ends is not None and pause_ends >= today
                used_now = int(used or 0) if _as_date(month) == this_month else 0  # an earlier month's count is spent
                self.capacity[node] = capacity(paused, int(limit), used_now)
            self.node_flags[node] = flags

    # Positions

    def _positions_of_changed(self) -> None:
        nodes = np.flatnonzero(self.changed)
        rows = _in_chunks(
            "SELECT pos.person_id, pos.organisation_id, COALESCE(pos.unit_id, -1), pos.is_decision_maker, pos.title, "
            "o.region, o.industry, COALESCE(u.name, '') FROM network_position pos "
            "JOIN network_organisation o ON o.id = pos.organisation_id "
            "LEFT JOIN network_unit u ON u.id = pos.unit_id "
            "JOIN network_person p ON p.id = pos.person_id "
            "WHERE pos.end_date IS NULL AND NOT p.suppressed AND pos.person_id IN ({ids})",
            self.persons[nodes].tolist(),
        )
        self.fresh = Positions(
            node=self.nodes_of_persons(np.array([row[0] for row in rows], dtype=np.int64)),
            organisation=np.array([row[1] for row in rows], dtype=np.int64),
            unit=np.array([row[2] for row in rows], dtype=np.int64),
            decides=np.array([bool(row[3]) for row in rows], dtype=bool),
        )
        self.fresh_text = [(fold(row[4] or ""), row[5], row[6], fold(row[7])) for row in rows]
        self.new_units = self._units_after(int(self.index.units[-1]) if len(self.index.units) else 0)

    def _units_after(self, last_id: int) -> list[tuple[int, int | None]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, parent_id FROM network_unit WHERE id > %s ORDER BY id", [last_id])
            return cursor.fetchall()

    def _merge(self, base: Positions, fresh_rows: np.ndarray) -> Positions:
        keep = ~self.changed[base.node]
        return Positions(
            node=np.concatenate([base.node[keep], self.fresh.node[fresh_rows]]),
            organisation=np.concatenate([base.organisation[keep], self.fresh.organisation[fresh_rows]]),
            unit=np.concatenate([base.unit[keep], self.fresh.unit[fresh_rows]]),
            decides=np.concatenate([base.decides[keep], self.fresh.decides[fresh_rows]]),
        )

    def organisation_positions(self, organisation_id: int) -> Positions:
        fresh = np.flatnonzero(self.fresh.organisation == organisation_id)
        return self._merge(super().organisation_positions(organisation_id), fresh)

    def unit_positions(self, unit_ids: np.ndarray) -> Positions:
        fresh = np.flatnonzero(np.isin(self.fresh.unit, unit_ids))
        return self._merge(super().unit_positions(unit_ids), fresh)

    def unit_and_descendants(self, unit_id: int) -> np.ndarray:
        found = set(super().unit_and_descendants(unit_id).tolist())
        grew = True
        while grew:
            grew = False
            for child, parent in self.new_units:
                if parent in found and child not in found:
                    found.add(child)
                    grew = True
        return np.array(sorted(found), dtype=np.int64)

    def field_positions(self, words: FieldWords, region: str) -> tuple[Positions, np.ndarray]:
        base, how = super().field_positions(words, region)
        keep = ~self.changed[base.node]
        fresh_rows, fresh_how = [], []
        for row, (title, org_region, industry, unit_name) in enumerate(self.fresh_text):
            if region and org_region != region:
                continue
            if words.matches(title):
                fresh_how.append(ROLE["field_title"])
            elif words.matches(unit_name):
                fresh_how.append(ROLE["field_unit"])
            elif industry in words.industries:
                fresh_how.append(ROLE["field_industry"])
            else:
                continue
            fresh_rows.append(row)
        merged = self._merge(base, np.array(fresh_rows, dtype=np.int64))
        return merged, np.concatenate([how[keep], np.array(fresh_how, dtype=np.int64)])
