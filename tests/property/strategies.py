"""Hypothesis strategies for small random worlds (organisation, roles, records, shares,
rules), in the shape of `tests.reference.world`.

Worlds are small on purpose (one example must run fast) but reach every corner of the
contract: a department tree at least four levels deep, a reporting forest with chains up
to four managers, deactivated users, expiries at the exact instant `now` (and one
microsecond either side), NULL values, case and LIKE wildcards in text, ties in
`updated_at` (for cursor paging), and conditions from the whole condition language.

Speed: building a world takes a few hundred choices, and each Hypothesis draw (and each
new strategy object) has a fixed cost, so most choices are made through `_choices` (many
choices, one draw of bytes) and strategies are cached (`_ints`, `_bytes`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any

from hypothesis import strategies as st

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
from vouch.catalog import (
    OBJECT_MAP,
    ORDERED_TYPES,
    SYSTEM_PERMISSIONS,
    TEXT_TYPES,
    FieldDef,
    FieldType,
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
LEVELS = ("hidden", "masked", "read", "edit")
SENSITIVITIES = ("normal", "personal", "financial", "contract")

# Grants: absent (None) first so that shrinking removes grants; `all` and `none` included.
SCOPE_CHOICES = (None, None, None, "none", "own", "own", "reports", "reports", "department",
                 "department", "department_tree", "department_tree", "all", "all")
OBJECT_ACTION_CHOICES = (None, "none", "all")

# None first so that shrinking goes towards "no expiry"; the instant itself and one
# microsecond either side of it are the interesting cases.
EXPIRIES = (None, None, None, NOW, NOW - US, NOW + US, NOW - DAY, NOW + DAY)

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

# Record values come from small pools (one choice per field keeps worlds cheap to make,
# and makes equal values, ties and near misses common).
TEXT_POOL = ("", "a", "A", "ab", "aB", "Ab", "a%", "%b", "a_b", "_", "a\\b", "\\", "a b",
             " a", "ab%_", "bab")
DECIMAL_POOL = (*DECIMALS, Decimal("1000000.00"), Decimal("-99999.99"), Decimal("100.10"))
DATE_POOL = (*DATES, date(2024, 2, 29), date(2027, 12, 31))
DATETIME_POOL = (*DATETIMES, datetime(2025, 3, 1, 0, 0, tzinfo=UTC),
                 datetime(2026, 6, 1, 11, 59, 59, 999999, tzinfo=UTC))
INTEGER_POOL = (*INTEGERS, -1, 7)
# Records per object: up to 15, mostly a handful (small worlds run fast; big ones still come).
RECORD_COUNTS = (0, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 10, 12, 15)
USER_COUNTS = (4, 4, 5, 5, 6, 6, 7, 8, 9, 10)

# Condition values beyond the pools (a few draws per rule, so richer strategies are fine).
texts = st.text(alphabet=TEXT_ALPHABET, max_size=4)
needles = st.text(alphabet=TEXT_ALPHABET, min_size=1, max_size=3)
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
# Cheap choices


@lru_cache(maxsize=4096)
def _ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


def _int(draw: st.DrawFn, lo: int, hi: int) -> int:
    return draw(_ints(lo, hi))


@lru_cache(maxsize=256)
def _bytes(k: int) -> st.SearchStrategy[bytes]:
    return st.binary(min_size=k, max_size=k)


def _choices(draw: st.DrawFn, options: list[tuple[Any, ...]] | list[Any]) -> list[Any]:
    """Pick one value from each of `options` (at most 256 values each) with a single draw:
    a byte string, one byte per choice (Hypothesis makes its bytes about uniform, where it
    would favour small values of one big integer). Shrinking moves every byte towards 0,
    every choice towards its tuple's first value."""
    if not options:
        return []
    raw = draw(_bytes(len(options)))
    picked = []
    for values, byte in zip(options, raw, strict=True):
        assert 0 < len(values) <= 256
        picked.append(values[byte % len(values)])
    return picked


def _pick(draw: st.DrawFn, values: Any) -> Any:
    return _choices(draw, [tuple(values)])[0]


def _permutation(draw: st.DrawFn, n: int) -> list[int]:
    """A permutation of 1..n (shrinks towards the identity)."""
    rest = list(range(1, n + 1))
    out = []
    for pos in _choices(draw, [tuple(range(k)) for k in range(n, 0, -1)]):
        out.append(rest.pop(pos))
    return out


# ---------------------------------------------------------------------------------------
# Organisation


@st.composite
def departments(draw: st.DrawFn) -> tuple[Department, ...]:
    """5–12 departments; the first five form a chain (tree depth >= 4 below the root).
    Returned parents-first; ids are a random permutation."""
    n = _int(draw, 5, 12)
    ids = _permutation(draw, n)
    later = _choices(draw, [tuple(range(i)) for i in range(5, n)])
    parents: list[int | None] = [None, ids[0], ids[1], ids[2], ids[3]]
    parents += [ids[k] for k in later]
    return tuple(Department(ids[i], parents[i]) for i in range(n))


@st.composite
def users(draw: st.DrawFn, dept_ids: list[int]) -> tuple[User, ...]:
    """4–10 users; managers form a forest with chains of at most four managers; about one
    in six is deactivated. Returned managers-first; ids are a random permutation."""
    n = _pick(draw, USER_COUNTS)
    ids = _permutation(draw, n)
    result: list[User] = []
    chain: dict[int, int] = {}  # user id -> number of managers above
    for i in range(n):
        candidates = tuple(u.id for u in result if chain[u.id] < 4)
        has_manager, manager_pos, active, dept = _choices(draw, [
            (False, True), tuple(range(max(1, len(candidates)))),
            (True, True, True, True, True, False), tuple(dept_ids),
        ])
        manager = candidates[manager_pos] if has_manager and candidates else None
        chain[ids[i]] = 0 if manager is None else chain[manager] + 1
        result.append(User(ids[i], dept, manager, active))
    return tuple(result)


# ---------------------------------------------------------------------------------------
# Roles and assignments


@st.composite
def roles(draw: st.DrawFn, objects: list[str]) -> tuple[Role, ...]:
    """2–5 roles with grants on every object of the world and 0–4 field rules each."""
    n = _int(draw, 2, 5)
    result = []
    keys = [(obj, action) for obj in objects for action in RECORD_ACTIONS + OBJECT_ACTIONS]
    for role_id in range(1, n + 1):
        scopes = _choices(draw, [
            SCOPE_CHOICES if action in RECORD_ACTIONS else OBJECT_ACTION_CHOICES
            for _, action in keys
        ])
        grants = tuple(GrantSpec(obj, action, scope)
                       for (obj, action), scope in zip(keys, scopes, strict=True)
                       if scope is not None)
        rules: dict[tuple[str, str | None, str | None], str] = {}
        for _ in range(_int(draw, 0, 4)):
            obj, level, by_field, sensitivity = _choices(
                draw, [tuple(objects), LEVELS, (True, False), SENSITIVITIES])
            if by_field:
                fdef = _pick(draw, OBJECT_MAP[obj].fields)
                rules[(obj, fdef.name, None)] = level
            else:
                rules[(obj, None, sensitivity)] = level
        perms = frozenset(p for p in _choices(draw, [(None, *SYSTEM_PERMISSIONS)] * 2) if p)
        result.append(Role(
            role_id,
            permissions=perms,
            grants=grants,
            field_rules=tuple(FieldRuleSpec(o, f, s, lv) for (o, f, s), lv in rules.items()),
        ))
    return tuple(result)


@st.composite
def assignments(draw: st.DrawFn, user_ids: list[int], role_ids: list[int]
                ) -> tuple[Assignment, ...]:
    """Each user holds 0–3 distinct roles, each with an expiry from EXPIRIES."""
    result = []
    for uid in user_ids:
        count, *picked = _choices(draw, [(0, 1, 1, 2, 2, 3)] + [tuple(role_ids)] * 3
                                  + [EXPIRIES] * 3)
        held: list[int] = []
        for rid, expires in zip(picked[:3], picked[3:], strict=True):
            if len(held) < count and rid not in held:
                held.append(rid)
                result.append(Assignment(uid, rid, expires))
    return tuple(result)


# ---------------------------------------------------------------------------------------
# Records


def _pool(fdef: FieldDef, refs: dict[str, list[int]]) -> tuple[Any, ...]:
    t = fdef.type
    if t in (FieldType.STRING, FieldType.TEXT, FieldType.PHONE, FieldType.EMAIL):
        return TEXT_POOL
    if t is FieldType.ENUM:
        return fdef.choices
    if t is FieldType.REFERENCE:
        return tuple(refs.get(fdef.ref or "", ()))
    return {
        FieldType.INTEGER: INTEGER_POOL,
        FieldType.DECIMAL: DECIMAL_POOL,
        FieldType.DATE: DATE_POOL,
        FieldType.DATETIME: DATETIME_POOL,
    }[t]


@st.composite
def records(draw: st.DrawFn, obj: str, people: tuple[User, ...], dept_ids: list[int],
            refs: dict[str, list[int]], max_records: int) -> tuple[Record, ...]:
    """0–max_records records; owner any user; department usually the owner's (None below
    stands for it), sometimes another; values from the field pools (optional fields NULL
    about one time in six or more); one draw per record."""
    n = _pick(draw, [k for k in RECORD_COUNTS if k <= max_records])
    ids = _permutation(draw, n)
    fields = OBJECT_MAP[obj].fields
    options: list[tuple[Any, ...]] = [
        tuple(people),
        (None, None, None, None, *dept_ids),
        UPDATED_AT,
    ]
    for f in fields:
        pool = _pool(f, refs)
        options.append(pool if f.required else (None, None, *pool))
    result = []
    for rid in ids:
        owner, dept, updated, *values = _choices(draw, options)
        if dept is None:
            dept = owner.department_id
        result.append(Record(rid, owner.id, dept,
                             {f.name: v for f, v in zip(fields, values, strict=True)}, updated))
    return tuple(result)


# ---------------------------------------------------------------------------------------
# Conditions (valid and well-typed only)

EQUALITY_OPS = ("eq", "ne", "in", "not_in", "is_null")
ORDERED_OPS = ("lt", "le", "gt", "ge")


def _json_value(draw: st.DrawFn, ftype: FieldType, value: Any) -> Any:
    """A Python value of the field's type as a condition value (JSON)."""
    if ftype is FieldType.DECIMAL:
        return _pick(draw, (f"{value:.2f}", f"{value:.2f}", f"{value:.3f}"))
    if ftype is FieldType.DATE:
        return value.isoformat()
    if ftype is FieldType.DATETIME:
        form = _pick(draw, ("utc", "z", "plus8"))
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
    if seen and _pick(draw, (False, True, True)):
        return _pick(draw, seen)
    if name == "owner_id":
        return _pick(draw, ctx["user_ids"])
    if name == "department_id":
        return _pick(draw, ctx["dept_ids"])
    fdef = OBJECT_MAP[obj].field_map[name]
    if ftype is FieldType.ENUM:
        return _pick(draw, fdef.choices)
    if ftype is FieldType.REFERENCE:
        return _int(draw, 1, 16)
    if ftype in (FieldType.STRING, FieldType.TEXT, FieldType.PHONE, FieldType.EMAIL):
        return draw(texts)
    strategy = {
        FieldType.INTEGER: integers,
        FieldType.DECIMAL: decimals,
        FieldType.DATE: dates,
        FieldType.DATETIME: datetimes,
    }[ftype]
    return draw(strategy)


def _leaf(draw: st.DrawFn, obj: str, ctx: dict[str, Any]) -> dict[str, Any]:
    names = ["owner_id", "department_id"]
    for f in OBJECT_MAP[obj].fields:
        # ordered fields (few, and where lt/le/gt/ge hide) three times as often
        names += [f.name] * (3 if f.type in ORDERED_TYPES else 1)
    name = _pick(draw, names)
    if name in ("owner_id", "department_id"):
        ftype = FieldType.INTEGER
        ops: tuple[str, ...] = EQUALITY_OPS
    else:
        ftype = OBJECT_MAP[obj].field_map[name].type
        ops = EQUALITY_OPS
        if ftype in ORDERED_TYPES:
            ops = ops + ORDERED_OPS
        if ftype in TEXT_TYPES:
            ops = (*ops, "contains")
    op = _pick(draw, ops)
    if op == "is_null":
        return {"field": name, "op": op, "value": _pick(draw, (True, False))}
    if op in ("in", "not_in"):
        raw = [_json_value(draw, ftype, _python_value(draw, obj, name, ftype, ctx))
               for _ in range(_int(draw, 1, 3))]
        return {"field": name, "op": op, "value": raw}
    if op == "contains":
        seen = [v for v in ctx["values"][obj].get(name, []) if v]
        if seen and _pick(draw, (False, True)):
            whole = _pick(draw, seen)
            start = _int(draw, 0, len(whole) - 1)
            end = _int(draw, start + 1, len(whole))
            needle = whole[start:end]
        else:
            needle = draw(needles)
        return {"field": name, "op": op, "value": needle}
    value = _python_value(draw, obj, name, ftype, ctx)
    return {"field": name, "op": op, "value": _json_value(draw, ftype, value)}


def condition(draw: st.DrawFn, obj: str, ctx: dict[str, Any], depth: int = 2) -> Any:
    """A random condition on `obj` (composites nest at most `depth` deep)."""
    kinds = ("leaf", "leaf", "leaf", "relation") + (("and", "or", "not") if depth > 0 else ())
    kind = _pick(draw, kinds)
    if kind == "leaf":
        return _leaf(draw, obj, ctx)
    if kind == "relation":
        relation, department, subtree = _choices(draw, [
            ("owner_in_department", "record_in_department"), tuple(ctx["dept_ids"]),
            (False, True),
        ])
        return {"relation": relation, "department": department, "subtree": subtree}
    if kind == "not":
        return {"not": condition(draw, obj, ctx, depth - 1)}
    return {kind: [condition(draw, obj, ctx, depth - 1) for _ in range(_int(draw, 1, 3))]}


def principal(draw: st.DrawFn, ctx: dict[str, Any], allow_all: bool = True) -> dict[str, Any]:
    kinds = ("user", "role", "department", "department_tree") + (("all",) if allow_all else ())
    kinds = ("user", *kinds)  # users twice as often: a share to one person is the common case
    kind = _pick(draw, kinds)
    if kind == "all":
        return {"kind": "all"}
    pool = {"user": ctx["user_ids"], "role": ctx["role_ids"],
            "department": ctx["dept_ids"], "department_tree": ctx["dept_ids"]}[kind]
    return {"kind": kind, "id": _pick(draw, pool)}


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
        extra = _choices(draw, [(False, False, True)] * len(OPTIONAL_OBJECTS))
        objects += [o for o, wanted in zip(OPTIONAL_OBJECTS, extra, strict=True) if wanted]
    objects = [o for o in OBJECT_ORDER if o in objects]

    role_list = draw(roles(objects))
    role_ids = [r.id for r in role_list]
    holdings = draw(assignments(user_ids, role_ids))

    # Half the worlds have a "focus" user whose decisions hinge on rules: an extra role
    # grants view/edit `own` on every object and each object gets a sharing rule and a
    # restriction rule for that user (so that every detail of a condition shows).
    focus: User | None = None
    if _pick(draw, (False, True)):
        focus = _pick(draw, people)
        people = tuple(User(u.id, u.department_id, u.manager_id, True) if u is focus else u
                       for u in people)
        focus_role = Role(len(role_list) + 1, grants=tuple(
            GrantSpec(obj, action, "own") for obj in objects for action in ("view", "edit")
        ))
        role_list = (*role_list, focus_role)
        role_ids = [r.id for r in role_list]
        holdings = (*(a for a in holdings if a.user_id != focus.id), Assignment(
            focus.id, focus_role.id))

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
        for _ in range(_int(draw, 0, 8)):
            obj = _pick(draw, shareable)
            rec = _pick(draw, all_records[obj])
            p = principal(draw, ctx, allow_all=False)
            access, expires = _choices(draw, [("read", "read_write"), EXPIRIES])
            shares.append(ManualShare(obj, rec.id, p["kind"], p["id"], access, expires))

    sharing = []
    for i in range(_pick(draw, (0, 1, 2, 2, 3))):
        obj = _pick(draw, objects)
        sharing.append(SharingRule(
            i + 1, obj, condition(draw, obj, ctx),
            tuple(principal(draw, ctx) for _ in range(_int(draw, 1, 3))),
            _pick(draw, ("read", "read_write")),
        ))
    restrictions = []
    for i in range(_pick(draw, (0, 1, 1, 2))):
        obj = _pick(draw, objects)
        restrictions.append(RestrictionRule(
            i + 1, obj, condition(draw, obj, ctx),
            tuple(principal(draw, ctx) for _ in range(_int(draw, 1, 3))),
        ))
    if focus is not None:
        me = ({"kind": "user", "id": focus.id},)
        for obj in objects:
            sharing.append(SharingRule(len(sharing) + 1, obj,
                                       condition(draw, obj, ctx, _pick(draw, (0, 0, 1))), me,
                                       _pick(draw, ("read", "read_write"))))
            restrictions.append(RestrictionRule(len(restrictions) + 1, obj,
                                                condition(draw, obj, ctx, _pick(draw, (0, 0, 1))),
                                                me))

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
