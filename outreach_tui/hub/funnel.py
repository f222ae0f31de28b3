"""The funnel after registration: handed off → enrolled (KPJ) → first payment → still paying.

Each handed registration has one ``funnel_members`` row: its tally key (day, event,
officer, branch code, the unit that pushed it) and its stage. ``funnel_rollup`` sums the
members per key and latest paid month, changed by the difference between a member's old
and new row in the same transaction as the hand-off or the activation import that moved
it. "Still paying" (paid in the last 3 months) is a range over ``last_paid_month``, so it
is right on the day it is asked without a nightly job. Lead and registration counts stay
in ``daily_rollup``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise, product
from typing import Any

from outreach_tui.hub import audit, tallies, units
from outreach_tui.hub.storage import Storage, Tx, utc_now
from outreach_tui.reports.tally import NeedsUnits
from outreach_tui.reports.units import UnitTree

KEY = ("unit_code", "day", "event_code", "officer_code", "branch_code", "last_paid_month")
STAGES = ("handed_off", "enrolled", "first_payment", "refused")
GROUPS = ("day", "officer_code", "event_code", "branch_code", "unit_code")
MEASURES = ("handed_off", "enrolled", "first_payment", "still_paying", "refused")
STILL_PAYING_MONTHS = 3


@dataclass(frozen=True)
class Member:
    day: str
    event_code: str
    officer_code: str
    branch_code: str
    unit_code: str = ""  # the unit its record was pushed from (issue 17; '' before units)
    last_paid_month: str = ""
    handed_off: int = 1
    enrolled: int = 0
    first_payment: int = 0
    refused: int = 0

    def key(self) -> tuple[str, ...]:
        return tuple(str(getattr(self, k)) for k in KEY)

    def stages(self) -> tuple[int, ...]:
        return tuple(int(getattr(self, s)) for s in STAGES)

    def with_outcome(self, outcome: Mapping[str, Any] | None) -> Member:
        """This member at the stage an activation outcome says (None: handed off only)."""
        if outcome is None:
            return replace(self, last_paid_month="", enrolled=0, first_payment=0, refused=0)
        enrolled = outcome["status"] == "enrolled"
        return replace(
            self,
            last_paid_month=(outcome.get("last_paid_month") or "") if enrolled else "",
            enrolled=int(enrolled),
            first_payment=int(enrolled and bool(outcome.get("first_paid_month"))),
            refused=int(not enrolled),
        )


def member(tx: Tx, uuid: str) -> Member | None:
    row = tx.one(f"SELECT {', '.join(KEY + STAGES)} FROM funnel_members WHERE uuid = ?", (uuid,))
    return None if row is None else Member(**{k: row[k] for k in KEY + STAGES})


def move(tx: Tx, uuid: str, old: Member | None, new: Member | None) -> None:
    """Replace ``uuid``'s member row ``old`` by ``new`` (None: not in the funnel)."""
    if old == new:
        return
    deltas: dict[tuple[str, ...], list[int]] = {}
    for who, sign in ((old, -1), (new, +1)):
        if who is not None:
            totals = deltas.setdefault(who.key(), [0] * len(STAGES))
            for i, value in enumerate(who.stages()):
                totals[i] += sign * value
    sets = ", ".join(f"{s} = funnel_rollup.{s} + excluded.{s}" for s in STAGES)
    columns = KEY + STAGES
    for key, values in sorted(deltas.items()):
        if any(values):
            tx.execute(
                f"INSERT INTO funnel_rollup ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))}) "
                f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {sets}",
                (*key, *values),
            )
    if new is None:
        tx.execute("DELETE FROM funnel_members WHERE uuid = ?", (uuid,))
        return
    values_new = [getattr(new, c) for c in columns]
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
    tx.execute(
        f"INSERT INTO funnel_members (uuid, {', '.join(columns)}) "
        f"VALUES (?, {', '.join('?' * len(columns))}) ON CONFLICT (uuid) DO UPDATE SET {updates}",
        (uuid, *values_new),
    )


def month_back(today: date, months: int) -> str:
    """``YYYY-MM`` of the month ``months`` before ``today``'s."""
    index = today.year * 12 + today.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def facts(
    storage: Storage,
    group: Sequence[str],
    *,
    today: date,
    first: date | str | None = None,
    last: date | str | None = None,
    scope: tallies.Scope = None,
) -> list[dict[str, Any]]:
    """Funnel measures per distinct ``group`` value (day, officer_code, event_code,
    branch_code, unit_code), over registrations of days ``first``..``last`` in the units of
    ``scope``. ``still_paying``: the latest paid month is one of the last
    ``STILL_PAYING_MONTHS`` months (this one included).
    """
    unknown = set(group) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown funnel groups: {sorted(unknown)}")
    where, params = tallies.day_range(first, last, scope)
    cutoff = month_back(today, STILL_PAYING_MONTHS - 1)
    sums = [f"SUM({s}) AS {s}" for s in STAGES]
    sums.append("SUM(CASE WHEN last_paid_month >= ? THEN enrolled ELSE 0 END) AS still_paying")
    sql = f"SELECT {', '.join([*group, *sums])} FROM funnel_rollup WHERE {where}"
    if group:
        sql += f" GROUP BY {', '.join(group)} ORDER BY {', '.join(group)}"
    with storage.read() as tx:
        rows = tx.all(sql, [cutoff, *params])
    return [
        {k: (int(v or 0) if k in MEASURES else v) for k, v in row.items()}
        for row in rows
        if any(row[m] for m in MEASURES)
    ]


# -- the whole funnel: leads and registrations (daily_rollup) joined to the rest ------------

STEPS = ("leads", "registered", "handed_off", "enrolled", "first_payment", "still_paying")
_GROUP_OF = {"day": "day", "officer": "officer_code", "event": "event_code",
             "branch": "branch_code"}  # fmt: skip
UNIT_BY = ("branch", "region", "area")  # from the hub's units, when it has them (issue 17)
BY = (*_GROUP_OF, "region", "area")


def table(
    storage: Storage,
    by: Sequence[str],
    *,
    today: date,
    first: date | str | None = None,
    last: date | str | None = None,
    scope: tallies.Scope = None,
) -> list[dict[str, Any]]:
    """One row per group of ``by`` (day, officer, event, branch, region, area): every step
    of the funnel (``STEPS``, plus ``refused`` and ``converted`` leads), in group order,
    over the units of ``scope`` (None: the whole hub).

    Leads and registrations come from the daily rollups. On a hub with units, a branch,
    region or area is the one of the unit that pushed the record, as in ``outreach tally``
    (an area counts a branch in each of its rows); on a hub without units a branch is the
    event's, else the officer's (as for branch targets), and region or area is refused.
    """
    unknown = set(by) - set(BY)
    if unknown:
        raise ValueError(f"unknown funnel groups: {sorted(unknown)}")
    # Events and officers only place a record in a branch on a hub without units.
    parts = ("units", "events", "officers") if "branch" in by else ("units",)
    context = tallies.context(storage, scope, parts)
    tree = UnitTree(context["units"]) if context.get("units") else None
    if tree is None and {"region", "area"} & set(by):
        raise NeedsUnits(next(b for b in by if b in ("region", "area")))
    by_unit = tree is not None and bool(set(UNIT_BY) & set(by))
    plain = [_GROUP_OF[b] for b in by if b in _GROUP_OF and not (by_unit and b == "branch")]
    event_branch = {e["code"]: e.get("branch_code") for e in context.get("events", [])}
    officer_branch = {o["code"]: o.get("branch_code") for o in context.get("officers", [])}
    if by_unit:
        funnel_group = rollup_group = sorted({*plain, "unit_code"})
    else:
        funnel_group = plain
        rollup_group = [g for g in plain if g != "branch_code"]
        if "branch_code" in plain:
            rollup_group = sorted({*rollup_group, "event_code", "officer_code"})

    def values(dimension: str, fact: Mapping[str, Any]) -> list[str]:
        unit = str(fact.get("unit_code") or "")
        if by_unit and tree is not None and dimension in UNIT_BY:
            return tree.areas_of(unit) if dimension == "area" else [tree.up_to(unit, dimension)]
        if dimension == "branch" and "branch_code" not in fact:  # a rollup row, no units
            return [event_branch.get(fact["event_code"])
                    or officer_branch.get(fact["officer_code"]) or ""]  # fmt: skip
        return [str(fact.get(_GROUP_OF[dimension]) or "")]

    rows: dict[tuple[str, ...], dict[str, Any]] = {}

    def rows_for(fact: Mapping[str, Any]) -> list[dict[str, Any]]:
        found = []
        for key in product(*(values(d, fact) for d in by)):
            if key not in rows:
                rows[key] = {**dict(zip(by, key, strict=True)),
                             **dict.fromkeys((*STEPS, "refused", "converted"), 0)}  # fmt: skip
            found.append(rows[key])
        return found

    first_day = date.fromisoformat(str(first)) if first else None
    last_day = date.fromisoformat(str(last)) if last else None
    for fact in tallies.facts(storage, rollup_group, first_day, last_day, scope):
        for target in rows_for(fact):
            target["leads"] += fact["leads"]
            target["converted"] += fact["converted"]
            target["registered"] += fact["owners"] + fact["workers"]
    for fact in facts(storage, funnel_group, today=today, first=first, last=last, scope=scope):
        for target in rows_for(fact):
            for measure in MEASURES:
                target[measure] += fact[measure]
    return [rows[key] for key in sorted(rows)]


def conversion(row: Mapping[str, Any]) -> dict[str, float | None]:
    """Each step as a share of the step before it (leads → registered: converted leads)."""
    rates: dict[str, float | None] = {}
    for before, step in pairwise(STEPS):
        done = row["converted"] if step == "registered" else row[step]
        rates[step] = done / row[before] if row[before] else None
    return rates


TARGET_SCOPES = ("branch", "event", "unit")


def set_target(
    storage: Storage, scope: str, code: str, measure: str, target: int, *, actor: str | None
) -> dict[str, Any]:
    """A target on one funnel measure for a branch code, an event or a unit of the hub (a
    unit's target counts its whole subtree); an unknown unit is refused."""
    if scope not in TARGET_SCOPES or measure not in STEPS or target < 0:
        raise ValueError((scope, measure, target))

    def work(tx: Tx) -> dict[str, Any]:
        if scope == "unit":
            units.get_kind(tx, code)
        tx.execute(
            "INSERT INTO funnel_targets (scope, code, measure, target, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, code, measure) DO UPDATE SET "
            "target = excluded.target, updated_at = excluded.updated_at",
            (scope, code, measure, target, utc_now()),
        )
        audit.append(tx, "funnel.target", actor=actor, scope=scope, code=code,
                     measure=measure, target=target)  # fmt: skip
        return {"scope": scope, "code": code, "measure": measure, "target": target}

    return storage.write(work)


def targets(storage: Storage, *, today: date, scope: tallies.Scope = None) -> list[dict[str, Any]]:
    """Every funnel target the reader's ``scope`` sees with its value now (all days of the
    branch, event or unit subtree) and %. A unit target is seen inside its scope; a branch
    or event target when the reader sees that branch or event."""
    with storage.read() as tx:
        wanted = tx.all("SELECT scope, code, measure, target FROM funnel_targets "
                        "ORDER BY scope, code, measure")  # fmt: skip
        subtrees = {w["code"]: units.scope_of(tx, w["code"])
                    for w in wanted if w["scope"] == "unit"}  # fmt: skip
    if scope is not None:
        context = tallies.context(storage, scope, ("events", "branches"))
        seen = {"event": {e["code"] for e in context["events"]},
                "branch": {b["code"] for b in context["branches"]} | set(scope),
                "unit": set(scope)}  # fmt: skip
        wanted = [w for w in wanted if w["code"] in seen[w["scope"]]]
    if not wanted:
        return []
    values: dict[tuple[str, str], Mapping[str, Any]] = {}
    for kind in {w["scope"] for w in wanted} - {"unit"}:
        for row in table(storage, [kind], today=today, scope=scope):
            values[kind, row[kind]] = row
    for code, subtree in subtrees.items():
        if any(w["scope"] == "unit" and w["code"] == code for w in wanted):
            within = subtree if scope is None or subtree is None else subtree & scope
            rows = table(storage, [], today=today, scope=within if subtree is not None else scope)
            if rows:
                values["unit", code] = rows[0]
    out = []
    for w in wanted:
        value = int(values.get((w["scope"], w["code"]), {}).get(w["measure"], 0))
        goal = int(w["target"])
        out.append({**w, "target": goal, "value": value,
                    "percent": value / goal if goal else None})  # fmt: skip
    return out
