"""The demo organisation of SCENARIOS.md (seed 001, 华东贸易有限公司) with generated records.

Loaded by `vouch demo` and by `make run` into an empty database. Roles follow what seed
001 says each may do; records get realistic Chinese company and person names.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from vouch.access.models import FieldRule, Grant, Role, RoleAssignment, RolePermission
from vouch.access.service import bump_policy_version, clear_caches
from vouch.auth.passwords import hash_password
from vouch.catalog import INDUSTRIES, OBJECT_NAMES, RECORD_ACTIONS, REGIONS, SYSTEM_PERMISSIONS
from vouch.db import reset_sequences, system_session
from vouch.migrate import is_empty, upgrade
from vouch.org.closure import rebuild_department_closure, rebuild_reporting_closure
from vouch.org.models import Department, TrainingRecord, User
from vouch.records.models import RECORD_MODELS
from vouch.workflow.models import ApprovalPolicy

DEFAULT_DEMO_PASSWORD = "vouch-demo-2026"
DEFAULT_RECORDS = 5000

# id, name, English name, parent
DEPARTMENTS = [
    (1, "总部", "HQ", None),
    (2, "销售部", "Sales", 1),
    (3, "华东一组", "East 1", 2),
    (4, "华东二组", "East 2", 2),
    (5, "华南组", "South", 2),
    (6, "财务部", "Finance", 1),
    (7, "客服部", "Service", 1),
    (8, "信息技术部", "IT", 1),
]

# username, display name, department, manager, role, hired
USERS = [
    ("wangfang", "王芳", 8, None, "sys_admin", date(2019, 3, 1)),
    ("lilei", "李雷", 2, None, "sales_manager", date(2018, 7, 16)),
    ("hanmeimei", "韩梅梅", 3, "lilei", "sales_rep", date(2022, 2, 14)),
    ("zhangwei", "张伟", 4, "lilei", "sales_rep", date(2021, 9, 1)),
    ("liuyang", "刘洋", 5, "lilei", "sales_rep", date(2023, 4, 3)),
    ("zhaomin", "赵敏", 6, None, "finance", date(2020, 5, 11)),
    ("chenjing", "陈静", 7, None, "support", date(2021, 1, 4)),
    ("sunli", "孙丽", 8, None, "auditor", date(2020, 10, 19)),
]
DEPARTMENT_HEADS = {2: "lilei", 6: "zhaomin", 7: "chenjing", 8: "wangfang"}

CRM_OBJECTS = OBJECT_NAMES
SALES_OBJECTS = ("customer", "contact", "opportunity", "activity", "task", "sales_plan")


@dataclass(frozen=True)
class RoleSpec:
    key: str
    name: str
    name_en: str
    description: str
    grants: dict[tuple[str, str], str]
    field_rules: dict[tuple[str, str], str]  # (object, field or class) → level
    permissions: tuple[str, ...] = ()
    delegable: bool = False


def _grants(
    objects: Iterable[str], actions: Iterable[str], scope: str
) -> dict[tuple[str, str], str]:
    return {(o, a): scope for o in objects for a in actions}


def _merge(*parts: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """One scope per (object, action) and role: a second, different one is a slip."""
    out: dict[tuple[str, str], str] = {}
    for part in parts:
        for key, scope in part.items():
            if out.setdefault(key, scope) != scope:
                raise ValueError(f"{key} granted twice: {out[key]} and {scope}")
    return out


def _object_actions(objects: Iterable[str], *actions: str) -> dict[tuple[str, str], str]:
    return {(o, a): "all" for o in objects for a in actions}


ROLES = [
    RoleSpec(
        "sys_admin", "系统管理员", "System administrator",
        "Everything: users, roles, import/export, settings (seed 001).",
        _merge(_grants(CRM_OBJECTS, RECORD_ACTIONS, "all"),
               _object_actions(CRM_OBJECTS, "create", "import")),
        {(o, c): "edit" for o in CRM_OBJECTS for c in ("personal", "financial", "contract")},
        tuple(p for p in SYSTEM_PERMISSIONS if p != "view_audit"),
    ),
    RoleSpec(
        "sales_manager", "销售经理", "Sales manager",
        "The team's customers and data; sales plans and tasks; no system settings.",
        _merge(_grants(SALES_OBJECTS, ("view", "edit", "export", "transfer", "share"),
                       "department_tree"),
               _grants(SALES_OBJECTS, ("delete",), "own"),
               _grants(("contract", "payment"), ("view",), "department_tree"),
               _grants(("service_record",), ("view",), "department_tree"),
               _object_actions(SALES_OBJECTS, "create")),
        {**{(o, "personal"): "edit" for o in SALES_OBJECTS},
         **{(o, "financial"): "edit" for o in SALES_OBJECTS},
         ("contract", "financial"): "read", ("contract", "contract"): "read",
         ("payment", "financial"): "read"},
        ("approve_requests", "run_reviews"),
    ),
    RoleSpec(
        "sales_rep", "销售人员", "Sales representative",
        "Own customers and their data: view and edit; no delete, no export.",
        _merge(_grants(SALES_OBJECTS, ("view", "edit"), "own"),
               _grants(("contract",), ("view",), "own"),
               _object_actions(SALES_OBJECTS, "create")),
        {("customer", "personal"): "edit", ("contact", "personal"): "edit",
         ("contact", "id_number"): "masked",
         ("customer", "financial"): "masked", ("opportunity", "financial"): "edit",
         ("sales_plan", "financial"): "read"},
        delegable=True,
    ),
    RoleSpec(
        "finance", "财务", "Finance",
        "Contract amounts and payment records; does not modify customers.",
        _merge(_grants(("customer", "contract"), ("view", "export"), "all"),
               _grants(("payment",), ("view", "edit", "export"), "all"),
               _object_actions(("payment",), "create", "import")),
        {("customer", "financial"): "read", ("customer", "personal"): "masked",
         ("contract", "financial"): "read", ("contract", "contract"): "read",
         ("payment", "financial"): "edit"},
        delegable=True,
    ),
    RoleSpec(
        "support", "客服", "Customer support",
        "Views customers and tracks service records; does not modify or delete customers.",
        _merge(_grants(("customer", "contact"), ("view",), "all"),
               _grants(("service_record",), ("view", "edit"), "all"),
               _object_actions(("service_record",), "create")),
        {("customer", "personal"): "read", ("contact", "personal"): "read",
         ("contact", "id_number"): "hidden"},
        delegable=True,
    ),
    RoleSpec(
        "auditor", "审计员", "Auditor",
        "Reads the audit log only (separation of duties).",
        {}, {}, ("view_audit",),
    ),
]

# --- generated names ----------------------------------------------------------------------

CITIES = ["上海", "杭州", "苏州", "南京", "宁波", "无锡", "合肥", "福州", "厦门", "广州",
          "深圳", "东莞", "佛山", "温州", "常州", "绍兴", "嘉兴", "南通", "扬州", "泉州"]
WORDS = ["恒远", "华信", "瑞丰", "金鼎", "宏达", "信诚", "永安", "鼎盛", "新锐", "博远",
         "天成", "嘉禾", "联创", "卓越", "汇通", "润泽", "明辉", "东方", "中盛", "锦程",
         "凯瑞", "安达", "九州", "盛世", "海纳", "启航", "正泰", "美嘉", "同创", "百川"]
TRADES = {
    "manufacturing": "机械制造", "retail": "商贸", "finance": "投资管理",
    "technology": "信息科技", "healthcare": "医疗器械", "education": "教育科技",
    "logistics": "物流", "energy": "新能源", "real_estate": "置业", "agriculture": "农业发展",
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力林琳宁斌浩宇轩博晨"
    "雪婷欣怡佳鑫昊然子涵梓萱一诺俊杰思远志强海燕晓东丹阳"
)
TITLES = ["总经理", "采购经理", "财务总监", "技术总监", "运营主管", "行政经理", "销售总监",
          "项目经理", "副总经理", "采购专员"]
ROADS = ["人民路", "中山路", "解放路", "建设路", "南京路", "长江路", "延安路", "科技大道",
         "滨江大道", "世纪大道"]
SERVICE_SUBJECTS = ["设备安装调试", "系统无法登录", "发票开具咨询", "产品质量反馈", "退换货申请",
                    "上门维修预约", "合同条款咨询", "培训需求", "账单核对", "配件更换"]
ACTIVITY_SUBJECTS = ["电话回访", "上门拜访", "产品演示", "商务洽谈", "需求调研", "方案汇报",
                     "报价沟通", "合同谈判", "年度回顾", "微信跟进"]
DEAL_KINDS = ["年度采购", "系统升级", "设备更新", "框架合作", "扩容项目"]
LEAD_SOURCES = ["展会", "转介绍", "官网", "电话营销"]
TASK_TITLES = ["准备报价单", "安排客户拜访", "跟进付款进度", "整理需求文档", "发送合同草稿",
               "更新客户资料", "预约产品演示", "提交投标文件"]


class _Gen:
    def __init__(self, seed: int, now: datetime) -> None:
        self.r = random.Random(seed)
        self.now = now
        self.used_names: set[str] = set()

    def company(self, industry: str) -> str:
        for _ in range(50):
            name = (f"{self.r.choice(CITIES)}{self.r.choice(WORDS)}{TRADES[industry]}"
                    f"{self.r.choice(['有限公司', '股份有限公司', '集团有限公司'])}")
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        return f"{name[:-4]}{len(self.used_names)}有限公司"

    def person(self) -> str:
        given = self.r.choice(GIVEN) + (self.r.choice(GIVEN) if self.r.random() < 0.6 else "")
        return self.r.choice(SURNAMES) + given

    def phone(self) -> str:
        return f"1{self.r.choice('3456789')}{self.r.randrange(10**9):09d}"

    def email(self, i: int) -> str:
        return f"{self.r.choice(['info', 'sales', 'contact', 'service'])}{i}@" \
               f"{self.r.choice(['hengyuan', 'huaxin', 'ruifeng', 'jinding', 'hongda'])}.cn"

    def money(self, lo: int, hi: int) -> Decimal:
        return Decimal(self.r.randrange(lo, hi)) * 100

    def past(self, days: int) -> datetime:
        return self.now - timedelta(seconds=self.r.randrange(days * 86400))

    def day(self, back: int, ahead: int = 0) -> date:
        return (self.now + timedelta(days=self.r.randrange(-back, ahead + 1))).date()


def _counts(total: int) -> dict[str, int]:
    shares = {"customer": 0.28, "contact": 0.24, "opportunity": 0.12, "contract": 0.08,
              "payment": 0.08, "service_record": 0.07, "activity": 0.09, "task": 0.03,
              "sales_plan": 0.01}
    return {k: max(3, int(total * v)) for k, v in shares.items()}


def load_demo(
    engine: Engine, *, password: str, records: int = DEFAULT_RECORDS, seed: int = 2026,
    now: datetime | None = None, progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Migrate, then load the organisation and `records` records. Refuses a database that
    already has users. Returns counts per table."""
    upgrade(engine)
    now = now or datetime.now(UTC)
    note = progress or (lambda _what, _n: None)
    if has_users(engine):
        raise RuntimeError("the database already has users; the demo loads only into an "
                           "empty database")
    with system_session(engine, "demo organisation loader") as s:
        ids = _load_org(s, password, now)
        note("organisation", len(USERS))
        counts = _load_records(s, ids, records, seed, now, note)
        bump_policy_version(s)
        reset_sequences(s)
        s.commit()
    clear_caches()
    return counts


def _load_org(s: Session, password: str, now: datetime) -> dict[str, int]:
    for did, name, name_en, parent in DEPARTMENTS:
        s.add(Department(id=did, name=name, name_en=name_en, parent_id=parent))
    s.flush()
    rebuild_department_closure(s)
    pw = hash_password(password)
    ids: dict[str, int] = {}
    for i, (username, display, dept, _mgr, _role, hired) in enumerate(USERS, start=1):
        s.add(User(id=i, username=username, display_name=display, department_id=dept,
                   email=f"{username}@huadong-trading.cn", hire_date=hired, active=True,
                   password_hash=pw, created_at=now))
        ids[username] = i
    s.flush()
    for username, _d, _dept, mgr, _role, _h in USERS:
        if mgr:
            s.get(User, ids[username]).manager_id = ids[mgr]  # type: ignore[union-attr]
    for dept, head in DEPARTMENT_HEADS.items():
        s.get(Department, dept).head_id = ids[head]  # type: ignore[union-attr]
    s.flush()
    rebuild_reporting_closure(s)
    role_ids: dict[str, int] = {}
    for spec in ROLES:
        role = Role(key=spec.key, name=spec.name, name_en=spec.name_en,
                    description=spec.description, delegable=spec.delegable, created_at=now)
        s.add(role)
        s.flush()
        role_ids[spec.key] = role.id
        s.add_all(Grant(role_id=role.id, object=o, action=a, scope=sc)
                  for (o, a), sc in spec.grants.items())
        s.add_all(_field_rule(role.id, o, target, level)
                  for (o, target), level in spec.field_rules.items())
        s.add_all(RolePermission(role_id=role.id, permission=p) for p in spec.permissions)
    for username, _d, _dept, _mgr, role_key, _h in USERS:
        s.add(RoleAssignment(user_id=ids[username], role_id=role_ids[role_key],
                             granted_at=now, reason="demo organisation"))
    for username in ("hanmeimei", "zhangwei"):
        s.add(TrainingRecord(user_id=ids[username], course="sales_basics",
                             completed_at=now - timedelta(days=200)))
    s.add(sales_manager_policy(role_ids["sales_manager"]))
    s.flush()
    return ids


SALES_MANAGER_COURSE = "sales_manager_training"


def sales_manager_policy(role_id: int) -> ApprovalPolicy:
    """Story 5: becoming a sales manager (even for a while) needs the sales-manager
    training, the requester's manager and then an administrator (the role approves
    requests, a system permission); at most 90 days at a time."""
    return ApprovalPolicy(
        role_id=role_id, steps=[{"approver": "manager"},
                                {"approver": "permission", "permission": "manage_roles"}],
        step_deadline_hours=72, on_deadline="escalate",
        required_courses=[SALES_MANAGER_COURSE], probation_days=90, max_days=90,
        description="销售经理：需完成销售经理培训；直属经理审批后由系统管理员审批。 "
                    "Sales manager: the sales-manager training first; the manager, then an "
                    "administrator.", version=1)


def _field_rule(role_id: int, obj: str, target: str, level: str) -> FieldRule:
    if target in ("normal", "personal", "financial", "contract"):
        return FieldRule(role_id=role_id, object=obj, sensitivity=target, level=level)
    return FieldRule(role_id=role_id, object=obj, field=target, level=level)


def _load_records(
    s: Session, ids: dict[str, int], total: int, seed: int, now: datetime,
    note: Callable[[str, int], None],
) -> dict[str, int]:
    g = _Gen(seed, now)
    n = _counts(total)
    dept_of = {username: dept for username, _n, dept, _m, _r, _h in USERS}
    reps = ["hanmeimei", "zhangwei", "liuyang"]
    # Owners of sales records: mostly the reps, some the manager.
    sales_owners = reps * 6 + ["lilei"]
    next_id: dict[str, int] = {}

    def base(owner: str) -> dict[str, Any]:
        updated = g.past(720)
        return {"owner_id": ids[owner], "department_id": dept_of[owner],
                "created_by": ids[owner], "updated_by": ids[owner],
                "created_at": updated - timedelta(days=g.r.randrange(0, 90)),
                "updated_at": updated, "version": 1}

    def put(obj: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        start = next_id.get(obj, 1)
        for i, row in enumerate(rows):
            row["id"] = start + i
        next_id[obj] = start + len(rows)
        for i in range(0, len(rows), 2000):
            s.execute(insert(RECORD_MODELS[obj]), rows[i:i + 2000])
        note(obj, len(rows))
        return rows

    customers = []
    for i in range(n["customer"]):
        industry = g.r.choice(INDUSTRIES)
        owner = g.r.choice(sales_owners)
        customers.append({
            **base(owner), "name": g.company(industry), "industry": industry,
            "region": g.r.choice(REGIONS[:4]) if owner != "liuyang" else "south",
            "level": g.r.choice("AABBBCCCD"), "phone": g.phone(), "email": g.email(i),
            "address": f"{g.r.choice(CITIES)}市{g.r.choice(ROADS)}{g.r.randrange(1, 999)}号",
            "credit_limit": g.money(100, 50000),
            "status": g.r.choice(["prospect", "active", "active", "active", "dormant"]),
            "notes": None,
        })
    customers = put("customer", customers)
    owner_of = {c["id"]: c["owner_id"] for c in customers}
    name_of = {v: k for k, v in ids.items()}

    def for_customer(c: dict[str, Any]) -> dict[str, Any]:
        return base(name_of[c["owner_id"]])

    put("contact", [
        {**for_customer(c), "name": g.person(), "customer_id": c["id"],
         "title": g.r.choice(TITLES), "phone": g.phone(), "email": g.email(10000 + i),
         "id_number": f"{g.r.randrange(110000, 659999)}{g.r.randrange(1960, 2000)}"
                      f"{g.r.randrange(1, 13):02d}{g.r.randrange(1, 29):02d}"
                      f"{g.r.randrange(1000):03d}{g.r.choice('0123456789X')}",
         "notes": None}
        for i, c in enumerate(g.r.choices(customers, k=n["contact"]))
    ])
    opportunities = put("opportunity", [
        {**for_customer(c), "name": f"{c['name'][:6]}{g.r.choice(DEAL_KINDS)}",
         "customer_id": c["id"], "stage": g.r.choice(["lead", "qualified", "proposal",
                                                      "negotiation", "won", "lost"]),
         "amount": g.money(50, 20000), "probability": g.r.choice([10, 20, 40, 60, 80, 100]),
         "expected_close": g.day(180, 180), "source": g.r.choice(LEAD_SOURCES)}
        for c in g.r.choices(customers, k=n["opportunity"])
    ])
    won = [o for o in opportunities if o["stage"] in ("won", "negotiation")] or opportunities
    contracts = put("contract", [
        {**base(name_of[owner_of[o["customer_id"]]]), "number": f"HT-{2024 + i % 3}-{i + 1:05d}",
         "title": f"{o['name']}合同", "customer_id": o["customer_id"], "opportunity_id": o["id"],
         "amount": o["amount"], "terms": "付款方式：合同签订后30日内支付50%，验收后支付余款。"
                                          "质保期一年。",
         "signed_on": g.day(700), "status": g.r.choice(["active", "active", "completed", "draft"])}
        for i, o in enumerate(g.r.choices(won, k=n["contract"]))
    ])
    put("payment", [
        {**base(name_of[c["owner_id"]]), "number": f"HK-{i + 1:06d}", "contract_id": c["id"],
         "amount": (c["amount"] * Decimal(g.r.choice(["0.3", "0.5", "0.2", "1"]))).quantize(
             Decimal("0.01")),
         "paid_on": g.day(600), "method": g.r.choice(["bank_transfer", "bank_transfer", "cheque",
                                                       "alipay", "wechat_pay"]),
         "bank_account": f"6222{g.r.randrange(10**12):012d}"}
        for i, c in enumerate(g.r.choices(contracts, k=n["payment"]))
    ])
    put("service_record", [
        {**base("chenjing"), "subject": g.r.choice(SERVICE_SUBJECTS), "customer_id": c["id"],
         "status": g.r.choice(["open", "in_progress", "resolved", "closed"]),
         "priority": g.r.choice(["low", "normal", "normal", "high", "urgent"]),
         "description": "客户来电反馈，已登记并安排跟进。", "resolved_at": None}
        for c in g.r.choices(customers, k=n["service_record"])
    ])
    put("activity", [
        {**for_customer(c), "subject": g.r.choice(ACTIVITY_SUBJECTS), "customer_id": c["id"],
         "kind": g.r.choice(["call", "visit", "email", "meeting", "wechat"]),
         "occurred_at": g.past(365), "notes": "沟通顺利，客户对方案感兴趣。"}
        for c in g.r.choices(customers, k=n["activity"])
    ])
    put("task", [
        {**for_customer(c), "title": g.r.choice(TASK_TITLES), "customer_id": c["id"],
         "due_on": g.day(30, 60), "status": g.r.choice(["open", "open", "done"]),
         "priority": g.r.choice(["low", "normal", "high"]), "notes": None}
        for c in g.r.choices(customers, k=n["task"])
    ])
    put("sales_plan", [
        {**base(g.r.choice([*reps, "lilei"])), "title": f"{2025 + i % 2}年Q{i % 4 + 1}销售计划",
         "period": f"{2025 + i % 2}-Q{i % 4 + 1}", "target_amount": g.money(5000, 50000),
         "achieved_amount": g.money(1000, 40000), "notes": None}
        for i in range(n["sales_plan"])
    ])
    return {obj: next_id.get(obj, 1) - 1 for obj in RECORD_MODELS}


def has_users(engine: Engine) -> bool:
    """True when the database already holds an organisation (the demo loads only into an
    empty one)."""
    if is_empty(engine):
        return False
    with Session(engine) as s:
        return s.query(User.id).first() is not None
