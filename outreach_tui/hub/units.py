"""Organisational units: head office → regional office (Kantor Wilayah) → branch (Kantor
Cabang) → sub-branch (KCP), and target areas made of branches (e.g. "Soloraya").

The tree lives in ``units``; ``unit_paths`` is its closure (ancestor, descendant, depth;
every unit is its own ancestor at depth 0), rewritten for a moved subtree, so "everything
under this region" is one indexed look-up. An area is not in the tree: it names branches
(``area_branches``), and whoever sees an area sees those branches' subtrees.

A scope is what one token may see: ``None`` for the whole hub (a head-office token, or one
enrolled before units), else the set of unit codes (``scope_of``). Records, rollups and
devices carry a unit code; queries filter with ``scope_sql``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from outreach_tui.domain.typed_input import clean_code
from outreach_tui.hub import audit
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.storage import Storage, Tx, utc_now

KINDS = ("head_office", "region", "branch", "sub_branch", "area")
# The kind a unit's parent must be; head offices and areas have no parent. A parent is
# optional otherwise: a hub that serves one branch needs no region above it.
PARENT_KIND = {"region": "head_office", "branch": "region", "sub_branch": "branch"}
# Where devices push: a laptop belongs to a branch or a sub-branch.
DEVICE_KINDS = ("branch", "sub_branch")
# Where a relay forwards into: a branch hub's branch (or sub-branch), or a regional hub's
# region when it forwards to the national hub. Never the head office (nothing is above
# it) nor an area (not a place records belong to).
RELAY_KINDS = ("branch", "sub_branch", "region")
MEASURES = ("registrations", "owners", "workers", "leads", "new_employers", "informal")
# Which known-participant digests a unit's laptops learn (schema v11): their own unit's,
# or the whole region's above them; ``None`` on a unit: as its nearest ancestor says.
DOWNLINKS = ("branch", "region")
DEFAULT_DOWNLINK = "branch"
MAX_NAME = 100
_COLUMNS = "code, name, kind, parent_code, created_at, updated_at, downlink"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    parent_code: str | None
    created_at: str
    updated_at: str
    downlink: str | None = None  # as chosen on this unit; None: inherited

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def clean_unit_code(value: str) -> str:
    code = clean_code(value)  # upper-cased, never trimmed: the key tallies group by
    if code is None:
        raise HubError("unit.bad_code", 422, field="code", value=value[:40])
    return code


def _clean_name(value: str) -> str:
    name = " ".join(value.split())
    if not 1 <= len(name) <= MAX_NAME or not name.isprintable():
        raise HubError("unit.bad_name", 422, field="name", max=MAX_NAME)
    return name


def _clean_downlink(value: str | None, kind: str) -> str | None:
    if value is None:
        return None
    chosen = value.strip().lower()
    if chosen not in DOWNLINKS:
        raise HubError("unit.bad_downlink", 422, field="downlink", value=value[:20],
                       allowed=", ".join(DOWNLINKS))  # fmt: skip
    if kind == "area":  # an area is no place of laptops: its branches choose
        raise HubError("unit.downlink_area", 422, field="downlink")
    return chosen


def _get(tx: Tx, code: str) -> Unit | None:
    row = tx.one(f"SELECT {_COLUMNS} FROM units WHERE code = ?", (code,))
    return Unit(**row) if row else None


def _need(tx: Tx, code: str) -> Unit:
    unit = _get(tx, code)
    if unit is None:
        raise HubError("unit.unknown", 404, field="unit", unit=code)
    return unit


def _check_parent(tx: Tx, kind: str, parent_code: str | None) -> Unit | None:
    if parent_code is None:
        if kind == "sub_branch":
            raise HubError("unit.needs_parent", 422, field="parent", kind=kind,
                           parent_kind=PARENT_KIND[kind])  # fmt: skip
        return None
    if kind in ("head_office", "area"):
        raise HubError("unit.no_parent", 422, field="parent", kind=kind)
    parent = _need(tx, parent_code)
    if parent.kind != PARENT_KIND[kind]:
        raise HubError("unit.bad_parent", 422, field="parent", kind=kind,
                       parent_kind=PARENT_KIND[kind], unit=parent.code)  # fmt: skip
    return parent


def _link(tx: Tx, code: str, parent_code: str | None) -> None:
    """The closure rows of ``code`` (a leaf here) under ``parent_code``."""
    tx.execute("INSERT INTO unit_paths (ancestor, descendant, depth) VALUES (?, ?, 0)",
               (code, code))  # fmt: skip
    if parent_code is not None:
        tx.execute(
            "INSERT INTO unit_paths (ancestor, descendant, depth) "
            "SELECT ancestor, ?, depth + 1 FROM unit_paths WHERE descendant = ?",
            (code, parent_code),
        )


def add(
    storage: Storage,
    code: str,
    *,
    name: str,
    kind: str,
    parent: str | None = None,
    branches: Sequence[str] = (),
    downlink: str | None = None,
    actor: str | None = None,
) -> Unit:
    """A new unit; an area with the branches it is made of; ``downlink`` (branch|region)
    chosen for its laptops, else inherited."""
    code, name = clean_unit_code(code), _clean_name(name)
    if kind not in KINDS:
        raise HubError("unit.bad_kind", 422, field="kind", value=kind[:20], kinds=", ".join(KINDS))
    parent_code = clean_unit_code(parent) if parent else None
    if branches and kind != "area":
        raise HubError("unit.branches_only_area", 422, field="branches")
    downlink = _clean_downlink(downlink, kind)

    def work(tx: Tx) -> Unit:
        if _get(tx, code) is not None:
            raise HubError("unit.exists", 409, field="code", unit=code)
        if kind == "head_office" and tx.one("SELECT code FROM units WHERE kind = 'head_office'"):
            raise HubError("unit.one_head_office", 409, field="kind")
        _check_parent(tx, kind, parent_code)
        now = utc_now()
        tx.execute(
            f"INSERT INTO units ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code, name, kind, parent_code, now, now, downlink),
        )
        if kind != "area":
            _link(tx, code, parent_code)
        _set_members(tx, code, [clean_unit_code(b) for b in branches], replace=True)
        audit.append(tx, "unit.add", actor=actor, unit=code, kind=kind, parent=parent_code,
                     downlink=downlink)  # fmt: skip
        return _need(tx, code)

    return storage.write(work)


def _set_members(tx: Tx, area: str, branches: Iterable[str], *, replace: bool) -> None:
    if replace:
        tx.execute("DELETE FROM area_branches WHERE area_code = ?", (area,))
    for branch in dict.fromkeys(branches):
        unit = _need(tx, branch)
        if unit.kind != "branch":
            raise HubError("unit.area_member", 422, field="branches", unit=branch)
        tx.execute(
            "INSERT INTO area_branches (area_code, branch_code) VALUES (?, ?) "
            "ON CONFLICT (area_code, branch_code) DO NOTHING",
            (area, branch),
        )


def set_area(
    storage: Storage,
    code: str,
    *,
    add_branches: Sequence[str] = (),
    remove_branches: Sequence[str] = (),
    actor: str | None = None,
) -> list[str]:
    """Add branches to an area or take them out; the area's branches after."""
    code = clean_unit_code(code)

    def work(tx: Tx) -> list[str]:
        if _need(tx, code).kind != "area":
            raise HubError("unit.not_area", 422, field="unit", unit=code)
        _set_members(tx, code, [clean_unit_code(b) for b in add_branches], replace=False)
        for branch in remove_branches:
            member = clean_unit_code(branch)
            taken = tx.execute("DELETE FROM area_branches WHERE area_code = ? AND branch_code = ?",
                               (code, member))  # fmt: skip
            if not taken:  # a typo'd code: said, and nothing of the command is kept
                raise HubError("unit.not_in_area", 422, field="branches", unit=member, area=code)
        audit.append(tx, "unit.area", actor=actor, unit=code, added=list(add_branches),
                     removed=list(remove_branches))  # fmt: skip
        return _members(tx, code)

    return storage.write(work)


def _members(tx: Tx, area: str) -> list[str]:
    rows = tx.all("SELECT branch_code FROM area_branches WHERE area_code = ? ORDER BY 1", (area,))
    return [r["branch_code"] for r in rows]


def move(storage: Storage, code: str, *, parent: str, actor: str | None = None) -> Unit:
    """Put a unit (and everything under it) under another parent of the right kind."""
    code, parent_code = clean_unit_code(code), clean_unit_code(parent)

    def work(tx: Tx) -> Unit:
        unit = _need(tx, code)
        if unit.kind in ("head_office", "area"):
            raise HubError("unit.no_parent", 422, field="parent", kind=unit.kind)
        _check_parent(tx, unit.kind, parent_code)
        # The kinds make a cycle impossible (a parent is always one level up), but the
        # closure says so too, cheaply, should the kinds ever loosen.
        if tx.one("SELECT 1 AS x FROM unit_paths WHERE ancestor = ? AND descendant = ?",
                  (code, parent_code)):  # fmt: skip
            raise HubError("unit.cycle", 422, field="parent", unit=parent_code)
        subtree = [r["descendant"] for r in tx.all(
            "SELECT descendant FROM unit_paths WHERE ancestor = ?", (code,))]  # fmt: skip
        marks = ", ".join("?" * len(subtree))
        # Cut the subtree from its old ancestors, then hang it under the new parent's.
        tx.execute(
            f"DELETE FROM unit_paths WHERE descendant IN ({marks}) AND ancestor NOT IN ({marks})",
            (*subtree, *subtree),
        )
        tx.execute(
            "INSERT INTO unit_paths (ancestor, descendant, depth) "
            "SELECT a.ancestor, d.descendant, a.depth + d.depth + 1 "
            "FROM unit_paths a, unit_paths d WHERE a.descendant = ? AND d.ancestor = ?",
            (parent_code, code),
        )
        tx.execute("UPDATE units SET parent_code = ?, updated_at = ? WHERE code = ?",
                   (parent_code, utc_now(), code))  # fmt: skip
        audit.append(tx, "unit.move", actor=actor, unit=code, old_parent=unit.parent_code,
                     parent=parent_code)  # fmt: skip
        return _need(tx, code)

    return storage.write(work)


def set_downlink(
    storage: Storage, code: str, downlink: str | None, *, actor: str | None = None
) -> Unit:
    """Choose which digests the unit's laptops learn (branch|region); ``None``: as its
    nearest ancestor says. Takes effect on their next downlink page (for what is
    published from then on: docs/SYNC_PROTOCOL.md §5)."""
    code = clean_unit_code(code)

    def work(tx: Tx) -> Unit:
        unit = _need(tx, code)
        if unit.kind == "area":  # not even "inherit": an area has no laptops to feed
            raise HubError("unit.downlink_area", 422, field="downlink")
        chosen = _clean_downlink(downlink, unit.kind)
        tx.execute("UPDATE units SET downlink = ?, updated_at = ? WHERE code = ?",
                   (chosen, utc_now(), code))  # fmt: skip
        audit.append(tx, "unit.downlink", actor=actor, unit=code, old=unit.downlink,
                     downlink=chosen)  # fmt: skip
        return _need(tx, code)

    return storage.write(work)


def remove(storage: Storage, code: str, *, actor: str | None = None) -> dict[str, int]:
    """Delete a unit nothing depends on (no units under it, no devices, no records) with
    the settings that are only its own: its targets, its funnel targets and its places in
    target areas. Returns how many of each went with it (audited), so the supervisor is
    told, and a unit added later under the same code starts without them."""
    code = clean_unit_code(code)

    def work(tx: Tx) -> dict[str, int]:
        _need(tx, code)
        for what, sql in (
            ("children", "SELECT 1 AS x FROM units WHERE parent_code = ?"),
            ("devices", "SELECT 1 AS x FROM devices WHERE unit_code = ?"),
            ("records", "SELECT 1 AS x FROM records WHERE unit_code = ?"),
        ):
            if tx.one(sql + " LIMIT 1", (code,)):
                raise HubError(f"unit.in_use_{what}", 409, field="unit", unit=code)
        gone = {
            "areas": tx.execute("DELETE FROM area_branches WHERE area_code = ? OR branch_code = ?",
                                (code, code)),
            "targets": tx.execute("DELETE FROM unit_targets WHERE unit_code = ?", (code,)),
            "funnel_targets": tx.execute(
                "DELETE FROM funnel_targets WHERE scope = 'unit' AND code = ?", (code,)),
        }  # fmt: skip
        for table, column in (("unit_paths", "descendant"), ("units", "code")):
            tx.execute(f"DELETE FROM {table} WHERE {column} = ?", (code,))
        audit.append(tx, "unit.remove", actor=actor, unit=code, **gone)
        return gone

    return storage.write(work)


def set_target(
    storage: Storage,
    code: str,
    *,
    year: int,
    measure: str,
    target: int | None,
    actor: str | None = None,
) -> dict[str, Any]:
    """A unit's own target for a year and measure; ``None`` removes it (the unit then
    shows the sum of its children's)."""
    code = clean_unit_code(code)
    if measure not in MEASURES:
        raise HubError("unit.bad_measure", 422, field="measure", value=measure[:30],
                       measures=", ".join(MEASURES))  # fmt: skip
    if not 2000 <= year <= 2100:
        raise HubError("unit.bad_year", 422, field="year")
    if target is not None and not 0 <= target <= 1_000_000_000:
        raise HubError("unit.bad_target", 422, field="target")

    def work(tx: Tx) -> dict[str, Any]:
        _need(tx, code)
        if target is None:
            tx.execute("DELETE FROM unit_targets WHERE unit_code = ? AND year = ? AND measure = ?",
                       (code, year, measure))  # fmt: skip
        else:
            tx.execute(
                "INSERT INTO unit_targets (unit_code, year, measure, target, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (unit_code, year, measure) "
                "DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at",
                (code, year, measure, target, utc_now()),
            )
        audit.append(tx, "unit.target", actor=actor, unit=code, year=year, measure=measure,
                     target=target)  # fmt: skip
        return {"unit": code, "year": year, "measure": measure, "target": target}

    return storage.write(work)


# -- reading ------------------------------------------------------------------------------


def get_kind(tx: Tx, code: str) -> str:
    return _need(tx, code).kind


def in_use(tx: Tx) -> bool:
    """Whether this hub has units (a hub without them serves one branch, as before)."""
    return tx.one("SELECT code FROM units LIMIT 1") is not None


def get(storage: Storage, code: str) -> Unit:
    with storage.read() as tx:
        return _need(tx, clean_unit_code(code))


def scope_of(tx: Tx, unit_code: str | None) -> frozenset[str] | None:
    """The unit codes a token of ``unit_code`` sees; ``None``: everything (no unit, or the
    head office)."""
    if unit_code is None:
        return None
    unit = _get(tx, unit_code)
    if unit is None:  # a unit removed under a token cannot happen (FK); see nothing if so
        return frozenset()
    if unit.kind == "head_office":
        return None
    roots = _members(tx, unit.code) if unit.kind == "area" else [unit.code]
    if not roots:
        return frozenset({unit.code})
    marks = ", ".join("?" * len(roots))
    rows = tx.all(f"SELECT descendant FROM unit_paths WHERE ancestor IN ({marks})", roots)
    # An area's own code too, so its token lists the area; no record carries an area's code.
    return frozenset(r["descendant"] for r in rows) | {unit.code}


def downlink_of(tx: Tx, unit_code: str) -> str:
    """The digests a laptop of ``unit_code`` learns: the nearest choice up its tree."""
    row = tx.one(
        "SELECT u.downlink FROM unit_paths p JOIN units u ON u.code = p.ancestor "
        "WHERE p.descendant = ? AND u.downlink IS NOT NULL ORDER BY p.depth LIMIT 1",
        (unit_code,),
    )
    return row["downlink"] if row else DEFAULT_DOWNLINK


def digest_root(tx: Tx, unit_code: str | None) -> str | None:
    """The unit whose scope gives a token of ``unit_code`` its known-participant digests:
    the token's own unit, or with a 'region' downlink the region above it (never beyond:
    no region above, its own unit); ``None``: the whole hub, as its other answers."""
    if unit_code is None or downlink_of(tx, unit_code) != "region":
        return unit_code
    region = tx.one(
        "SELECT u.code FROM unit_paths p JOIN units u ON u.code = p.ancestor "
        "WHERE p.descendant = ? AND u.kind = 'region' ORDER BY p.depth LIMIT 1",
        (unit_code,),
    )
    return region["code"] if region else unit_code


def digest_scope(tx: Tx, unit_code: str | None) -> frozenset[str] | None:
    """The units whose known-participant digests a token of ``unit_code`` learns."""
    return scope_of(tx, digest_root(tx, unit_code))


def scope_sql(scope: frozenset[str] | None, column: str = "unit_code") -> tuple[str, list[Any]]:
    """``scope`` as a WHERE fragment over ``column``."""
    if scope is None:
        return "1 = 1", []
    if not scope:
        return "1 = 0", []
    codes = sorted(scope)
    return f"{column} IN ({', '.join('?' * len(codes))})", codes


def visible(scope: frozenset[str] | None, unit_code: str | None) -> bool:
    return scope is None or (unit_code or "") in scope


def listing(storage: Storage, scope: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """Every unit in ``scope`` with its depth-first place, its areas' branches and its own
    targets, parents before children."""
    with storage.read() as tx:
        return units_in(tx, scope)


def units_in(tx: Tx, scope: frozenset[str] | None) -> list[dict[str, Any]]:
    where, params = scope_sql(scope, "code")
    units = [Unit(**r) for r in tx.all(f"SELECT {_COLUMNS} FROM units WHERE {where}", params)]
    targets: dict[str, list[dict[str, Any]]] = {}
    for row in tx.all(
        f"SELECT unit_code, year, measure, target FROM unit_targets WHERE "
        f"{scope_sql(scope)[0]} ORDER BY unit_code, year, measure",
        params,
    ):
        targets.setdefault(row["unit_code"], []).append(
            {"year": int(row["year"]), "measure": row["measure"], "target": int(row["target"])}
        )
    areas: dict[str, list[str]] = {}
    for row in tx.all("SELECT area_code, branch_code FROM area_branches ORDER BY 1, 2"):
        if scope is None or row["area_code"] in scope:
            areas.setdefault(row["area_code"], []).append(row["branch_code"])
    out = [
        {**u.as_dict(), "branches": areas.get(u.code, []) if u.kind == "area" else None,
         "targets": targets.get(u.code, [])}
        for u in units
    ]  # fmt: skip
    return ordered(out)


def ordered(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parents before children, siblings by code; areas last (their own list)."""
    children: dict[str | None, list[dict[str, Any]]] = {}
    codes = {u["code"] for u in units}
    for u in sorted(units, key=lambda u: u["code"]):
        parent = u["parent_code"] if u["parent_code"] in codes else None
        if u["kind"] != "area":
            children.setdefault(parent, []).append(u)
    out: list[dict[str, Any]] = []

    def walk(parent: str | None, depth: int) -> None:
        for u in children.get(parent, []):
            out.append({**u, "depth": depth})
            walk(u["code"], depth + 1)

    walk(None, 0)
    out += [
        {**u, "depth": 0} for u in sorted(units, key=lambda u: u["code"]) if u["kind"] == "area"
    ]
    return out
