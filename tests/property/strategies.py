"""Hypothesis strategies for small random worlds (organisation, roles, records, shares,
rules), in the shape of `tests.reference.world`.

Worlds are small on purpose (one example must run fast) but reach every corner of the
contract: a department tree at least four levels deep, a reporting forest with chains up
to four managers, deactivated users, expiries at the exact instant `now` (and one
microsecond either side), NULL values, case and LIKE wildcards in text, ties in
`updated_at` (for cursor paging), and conditions from the whole condition language.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from vouch.catalog import (
    OBJECT_MAP,
    ORDERED_TYPES,
    SYSTEM_PERMISSIONS,
    TEXT_TYPES,
    FieldDef,
    FieldType,
)

from tests.reference.world import (
    Assignment,
    Department,
    FieldRuleSpec,
    GrantSpec,
    ManualShare,
    Record,
    RestrictionRule,
    Role,
    SharingRule,
    User,
    World,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
US = timedelta(microseconds=1)
DAY = timedelta(days=1)

# Objects of every world, and objects some worlds add (in an order that respects their
# references: contact → customer, contract → customer/opportunity, activity → customer).
CORE_OBJECTS = ("customer", "contact", "contract")
OPTIONAL_OBJECTS = ("opportunity", "activity")
OBJECT_ORDER = ("customer", "opportunity", "contract", "contact", "activity")

RECORD_ACTIONS = ("view", "edit", "delete", "export", "transfer", "share")
OBJECT_ACTIONS = ("create", "import")
SCOPES = ("none", "own", "reports", "department", "department_tree", "all")
LEVELS = ("hidden", "masked", "read", "edit")
SENSITIVITIES = ("normal", "personal", "financial", "contract")

# None first so that shrinking goes towards "no expiry".
EXPIRIES = (None, NOW, NOW - US, NOW + US, NOW - DAY, NOW + DAY)

# Text: case, LIKE wildcards (% and _), the default LIKE escape (backslash), a space.
TEXT_ALPHABET = "aAb%_\\ "
DECIMALS = tuple(Decimal(s) for s in ("0.00", "0.01", "-0.01", "99.99", "100.00", "100.01",
                                      "12345.67", "-500.50"))
DATES = tuple(NOW.date() + timedelta(days=d) for d in (0, -1, 1, -30, 365))
DATETIMES = (NOW, NOW - US, NOW + US, NOW - timedelta(seconds=1), NOW + DAY,
             NOW - DAY + timedelta(microseconds=123456))
INTEGERS = (0, 1, 50, 99, 100)
UPDATED_AT = (NOW - DAY, NOW - timedelta(hours=1), NOW - timedelta(hours=1) + US,
              NOW - timedelta(seconds=5))


def _weighted(*pairs: tuple[Any, int]) -> st.SearchStrategy[Any]:
    """sampled_from with repeats; the first value is what shrinking goes towards."""
    values: list[Any] = []
    for value, weight in pairs:
        values.extend([value] * weight)
    return st.sampled_from(values)


texts = st.text(alphabet=TEXT_ALPHABET, max_size=4)
decimals = st.one_of(
    st.sampled_from(DECIMALS),
    st.integers(-10**7, 10**7).map(lambda c: Decimal(c).scaleb(-2)),
)
dates = st.one_of(st.sampled_from(DATES), st.dates(date(2024, 1, 1), date(2028, 12, 31)))
datetimes = st.one_of(
    st.sampled_from(DATETIMES),
    st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31)).map(
        lambda d: d.replace(tzinfo=UTC)
    ),
)
integers = st.one_of(st.sampled_from(INTEGERS), st.integers(-5, 200))


# ---------------------------------------------------------------------------------------
# Organisation


@st.composite
def departments(draw: st.DrawFn) -> tuple[Department, ...]:
    """5–12 departments; the first five form a chain (tree depth >= 4 below the root).
    Returned parents-first; ids are a random permutation."""
    n = draw(st.integers(5, 12))
    ids = draw(st.permutations(range(1, n + 1)))
    parents: list[int | None] = [None]
    for i in range(1, n):
        parents.append(ids[i - 1] if i < 5 else ids[draw(st.integers(0, i - 1))])
    return tuple(Department(ids[i], parents[i]) for i in range(n))


@st.composite
def users(draw: st.DrawFn, dept_ids: list[int]) -> tuple[User, ...]:
    """4–10 users; managers form a forest with chains of at most four managers.
    Returned managers-first; ids are a random permutation."""
    n = draw(st.integers(4, 10))
    ids = draw(st.permutations(range(1, n + 1)))
    result: list[User] = []
    chain: dict[int, int] = {}  # user id -> number of managers above
    for i in range(n):
        candidates = [u.id for u in result if chain[u.id] < 4]
        manager = None
        if candidates and draw(st.booleans()):
            manager = draw(st.sampled_from(candidates))
        chain[ids[i]] = 0 if manager is None else chain[manager] + 1
        active = draw(_weighted((True, 5), (False, 1)))
        result.append(User(ids[i], draw(st.sampled_from(dept_ids)), manager, active))
    return tuple(result)


# ---------------------------------------------------------------------------------------
# Roles and assignments


scope_choice = _weighted((None, 3), ("none", 1), ("own", 2), ("reports", 2), ("department", 2),
                         ("department_tree", 2), ("all", 2))


@st.composite
def roles(draw: st.DrawFn, objects: list[str]) -> tuple[Role, ...]:
    n = draw(st.integers(2, 5))
    result = []
    for role_id in range(1, n + 1):
        grants: list[GrantSpec] = []
        for obj in objects:
            for action in RECORD_ACTIONS:
                scope = draw(scope_choice)
                if scope is not None:
                    grants.append(GrantSpec(obj, action, scope))
            for action in OBJECT_ACTIONS:
                scope = draw(st.sampled_from((None, "none", "all")))
                if scope is not None:
                    grants.append(GrantSpec(obj, action, scope))
        rules: dict[tuple[str, str | None, str | None], str] = {}
        for _ in range(draw(st.integers(0, 4))):
            obj = draw(st.sampled_from(objects))
            level = draw(st.sampled_from(LEVELS))
            if draw(st.booleans()):
                fdef = draw(st.sampled_from(OBJECT_MAP[obj].fields))
                rules[(obj, fdef.name, None)] = level
            else:
                rules[(obj, None, draw(st.sampled_from(SENSITIVITIES)))] = level
        perms = draw(st.frozensets(st.sampled_from(SYSTEM_PERMISSIONS), max_size=2))
        result.append(Role(
            role_id,
            permissions=perms,
            grants=tuple(grants),
            field_rules=tuple(FieldRuleSpec(o, f, s, lv) for (o, f, s), lv in rules.items()),
        ))
    return tuple(result)


@st.composite
def assignments(draw: st.DrawFn, user_ids: list[int], role_ids: list[int]
                ) -> tuple[Assignment, ...]:
    result = []
    for uid in user_ids:
        held = draw(st.lists(st.sampled_from(role_ids), max_size=3, unique=True))
        for rid in held:
            result.append(Assignment(uid, rid, draw(st.sampled_from(EXPIRIES))))
    return tuple(result)


# ---------------------------------------------------------------------------------------
# Records


def _value(draw: st.DrawFn, fdef: FieldDef, refs: dict[str, list[int]]) -> Any:
    if not fdef.required and draw(_weighted((False, 4), (True, 1))):
        return None
    t = fdef.type
    if t in (FieldType.STRING, FieldType.TEXT, FieldType.PHONE, FieldType.EMAIL):
        return draw(texts)
    if t is FieldType.ENUM:
        return draw(st.sampled_from(fdef.choices))
    if t is FieldType.INTEGER:
        return draw(integers)
    if t is FieldType.DECIMAL:
        return draw(decimals)
    if t is FieldType.DATE:
        return draw(dates)
    if t is FieldType.DATETIME:
        return draw(datetimes)
    if t is FieldType.REFERENCE:
        targets = refs.get(fdef.ref or "", [])
        return draw(st.sampled_from(targets)) if targets else None
    raise AssertionError(t)


@st.composite
def records(draw: st.DrawFn, obj: str, people: tuple[User, ...], dept_ids: list[int],
            refs: dict[str, list[int]], max_records: int) -> tuple[Record, ...]:
    n = draw(st.integers(0, max_records))
    ids = draw(st.permutations(range(1, n + 1))) if n else []
    result = []
    for rid in ids:
        owner = draw(st.sampled_from(people))
        dept = owner.department_id
        if draw(_weighted((False, 4), (True, 1))):
            dept = draw(st.sampled_from(dept_ids))
        values = {f.name: _value(draw, f, refs) for f in OBJECT_MAP[obj].fields}
        result.append(Record(rid, owner.id, dept, values, draw(st.sampled_from(UPDATED_AT))))
    return tuple(result)


# ---------------------------------------------------------------------------------------
# Conditions (valid and well-typed only)

EQUALITY_OPS = ("eq", "ne", "in", "not_in", "is_null")
ORDERED_OPS = ("lt", "le", "gt", "ge")


def _json_value(draw: st.DrawFn, ftype: FieldType, value: Any) -> Any:
    """A Python value of the field's type as a condition value (JSON)."""
    if ftype is FieldType.DECIMAL:
        if draw(_weighted((False, 4), (True, 1))):
            return f"{value:.3f}"
        return f"{value:.2f}"
    if ftype is FieldType.DATE:
        return value.isoformat()
    if ftype is FieldType.DATETIME:
        form = draw(st.sampled_from(("utc", "z", "plus8")))
        if form == "z":
            return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if form == "plus8":
            return value.astimezone(timezone(timedelta(hours=8))).isoformat()
        return value.astimezone(UTC).isoformat()
    return value


def _python_value(draw: st.DrawFn, obj: str, name: str, ftype: FieldType,
                  ctx: dict[str, Any]) -> Any:
    """A value for comparisons with `name`: often one that some record has."""
    seen = [v for v in ctx["values"][obj].get(name, []) if v is not None]
    if seen and draw(st.booleans()):
        return draw(st.sampled_from(seen))
    if name == "owner_id":
        return draw(st.sampled_from(ctx["user_ids"]))
    if name == "department_id":
        return draw(st.sampled_from(ctx["dept_ids"]))
    fdef = OBJECT_MAP[obj].field_map[name]
    if ftype is FieldType.ENUM:
        return draw(st.sampled_from(fdef.choices))
    if ftype is FieldType.REFERENCE:
        return draw(st.integers(1, 16))
    if ftype in (FieldType.STRING, FieldType.TEXT, FieldType.PHONE, FieldType.EMAIL):
        return draw(texts)
    return {
        FieldType.INTEGER: lambda: draw(integers),
        FieldType.DECIMAL: lambda: draw(decimals),
        FieldType.DATE: lambda: draw(dates),
        FieldType.DATETIME: lambda: draw(datetimes),
    }[ftype]()


def _leaf(draw: st.DrawFn, obj: str, ctx: dict[str, Any]) -> dict[str, Any]:
    names = ["owner_id", "department_id"] + [f.name for f in OBJECT_MAP[obj].fields]
    name = draw(st.sampled_from(names))
    if name in ("owner_id", "department_id"):
        ftype = FieldType.INTEGER
        ops: tuple[str, ...] = EQUALITY_OPS
    else:
        ftype = OBJECT_MAP[obj].field_map[name].type
        ops = EQUALITY_OPS
        if ftype in ORDERED_TYPES:
            ops = ops + ORDERED_OPS
        if ftype in TEXT_TYPES:
            ops = ops + ("contains",)
    op = draw(st.sampled_from(ops))
    if op == "is_null":
        return {"field": name, "op": op, "value": draw(st.booleans())}
    if op in ("in", "not_in"):
        count = draw(st.integers(1, 3))
        raw = [_json_value(draw, ftype, _python_value(draw, obj, name, ftype, ctx))
               for _ in range(count)]
        return {"field": name, "op": op, "value": raw}
    if op == "contains":
        seen = [v for v in ctx["values"][obj].get(name, []) if v]
        if seen and draw(st.booleans()):
            whole = draw(st.sampled_from(seen))
            start = draw(st.integers(0, len(whole) - 1))
            end = draw(st.integers(start + 1, len(whole)))
            needle = whole[start:end]
        else:
            needle = draw(st.text(alphabet=TEXT_ALPHABET, min_size=1, max_size=3))
        return {"field": name, "op": op, "value": needle}
    value = _python_value(draw, obj, name, ftype, ctx)
    return {"field": name, "op": op, "value": _json_value(draw, ftype, value)}


@st.composite
def conditions(draw: st.DrawFn, obj: str, ctx: dict[str, Any], depth: int = 2) -> Any:
    kinds = ["leaf", "relation"] + (["and", "or", "not"] if depth > 0 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "leaf":
        return _leaf(draw, obj, ctx)
    if kind == "relation":
        return {
            "relation": draw(st.sampled_from(("owner_in_department", "record_in_department"))),
            "department": draw(st.sampled_from(ctx["dept_ids"])),
            "subtree": draw(st.booleans()),
        }
    if kind == "not":
        return {"not": draw(conditions(obj, ctx, depth - 1))}
    parts = draw(st.lists(conditions(obj, ctx, depth - 1), min_size=1, max_size=3))
    return {kind: parts}


@st.composite
def principals(draw: st.DrawFn, ctx: dict[str, Any], allow_all: bool = True
               ) -> dict[str, Any]:
    kinds = ["user", "role", "department", "department_tree"] + (["all"] if allow_all else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "all":
        return {"kind": "all"}
    pool = {"user": ctx["user_ids"], "role": ctx["role_ids"],
            "department": ctx["dept_ids"], "department_tree": ctx["dept_ids"]}[kind]
    return {"kind": kind, "id": draw(st.sampled_from(pool))}


# ---------------------------------------------------------------------------------------
# Whole worlds


@st.composite
def worlds(draw: st.DrawFn, max_records: int = 15, optional_objects: bool = True) -> World:
    depts = draw(departments())
    dept_ids = [d.id for d in depts]
    people = draw(users(dept_ids))
    user_ids = [u.id for u in people]

    objects = list(CORE_OBJECTS)
    if optional_objects:
        objects += [o for o in OPTIONAL_OBJECTS if draw(st.booleans())]
    objects = [o for o in OBJECT_ORDER if o in objects]

    role_list = draw(roles(objects))
    role_ids = [r.id for r in role_list]
    holdings = draw(assignments(user_ids, role_ids))

    all_records: dict[str, tuple[Record, ...]] = {}
    refs: dict[str, list[int]] = {}
    for obj in objects:
        recs = draw(records(obj, people, dept_ids, refs, max_records))
        all_records[obj] = recs
        refs[obj] = [r.id for r in recs]

    ctx: dict[str, Any] = {
        "dept_ids": dept_ids,
        "user_ids": user_ids,
        "role_ids": role_ids,
        "values": {
            obj: {f.name: [r.values[f.name] for r in recs] for f in OBJECT_MAP[obj].fields}
            | {"owner_id": [r.owner_id for r in recs],
               "department_id": [r.department_id for r in recs]}
            for obj, recs in all_records.items()
        },
    }

    shares = []
    shareable = [o for o in objects if all_records[o]]
    if shareable:
        for _ in range(draw(st.integers(0, 6))):
            obj = draw(st.sampled_from(shareable))
            rec = draw(st.sampled_from(all_records[obj]))
            p = draw(principals(ctx, allow_all=False))
            shares.append(ManualShare(obj, rec.id, p["kind"], p["id"],
                                      draw(st.sampled_from(("read", "read_write"))),
                                      draw(st.sampled_from(EXPIRIES))))

    sharing = []
    for i in range(draw(st.integers(0, 3))):
        obj = draw(st.sampled_from(objects))
        sharing.append(SharingRule(
            i + 1, obj, draw(conditions(obj, ctx)),
            tuple(draw(st.lists(principals(ctx), min_size=1, max_size=3))),
            draw(st.sampled_from(("read", "read_write"))),
        ))
    restrictions = []
    for i in range(draw(st.integers(0, 2))):
        obj = draw(st.sampled_from(objects))
        restrictions.append(RestrictionRule(
            i + 1, obj, draw(conditions(obj, ctx)),
            tuple(draw(st.lists(principals(ctx), min_size=1, max_size=3))),
        ))

    return World(
        now=NOW,
        departments=depts,
        users=people,
        roles=role_list,
        assignments=holdings,
        records=all_records,
        shares=tuple(shares),
        sharing_rules=tuple(sharing),
        restriction_rules=tuple(restrictions),
    )
