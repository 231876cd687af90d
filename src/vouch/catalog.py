"""The catalog: every object, field, sensitivity class, action and system permission, once.

Generic code (record models, services, the engine's validation, the CLI, later the API and
the console) is driven from these definitions; nothing else names a field by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Sensitivity(StrEnum):
    NORMAL = "normal"
    PERSONAL = "personal"
    FINANCIAL = "financial"
    CONTRACT = "contract"


class FieldType(StrEnum):
    STRING = "string"
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    ENUM = "enum"
    REFERENCE = "reference"
    PHONE = "phone"
    EMAIL = "email"


# Field types whose values are ordered the same way in Python, SQLite and PostgreSQL;
# only these accept lt/le/gt/ge (string order depends on the database's collation).
ORDERED_TYPES = frozenset(
    {FieldType.INTEGER, FieldType.DECIMAL, FieldType.DATE, FieldType.DATETIME}
)
TEXT_TYPES = frozenset(
    {FieldType.STRING, FieldType.TEXT, FieldType.PHONE, FieldType.EMAIL, FieldType.ENUM}
)


class Scope(StrEnum):
    NONE = "none"
    OWN = "own"
    REPORTS = "reports"
    DEPARTMENT = "department"
    DEPARTMENT_TREE = "department_tree"
    ALL = "all"


class FieldLevel(StrEnum):
    HIDDEN = "hidden"
    MASKED = "masked"
    READ = "read"
    EDIT = "edit"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {FieldLevel.HIDDEN: 0, FieldLevel.MASKED: 1, FieldLevel.READ: 2, FieldLevel.EDIT: 3}


class ShareAccess(StrEnum):
    READ = "read"
    READ_WRITE = "read_write"


class PrincipalKind(StrEnum):
    USER = "user"
    ROLE = "role"
    DEPARTMENT = "department"
    DEPARTMENT_TREE = "department_tree"


RECORD_ACTIONS: tuple[str, ...] = ("view", "edit", "delete", "export", "transfer", "share")
OBJECT_ACTIONS: tuple[str, ...] = ("create", "import")
ACTIONS: tuple[str, ...] = RECORD_ACTIONS + OBJECT_ACTIONS

SYSTEM_PERMISSIONS: tuple[str, ...] = (
    "manage_users",
    "manage_roles",
    "manage_settings",
    "view_audit",
    "manage_enforcement",
    "approve_requests",
    "run_reviews",
    "manage_backups",
    "delegate_admin",
)

DEFAULT_LEVEL = {
    Sensitivity.NORMAL: FieldLevel.EDIT,
    Sensitivity.PERSONAL: FieldLevel.HIDDEN,
    Sensitivity.FINANCIAL: FieldLevel.HIDDEN,
    Sensitivity.CONTRACT: FieldLevel.HIDDEN,
}

# Columns every record table has; managed by the record service, never written directly
# (owner_id and department_id change only through create and transfer).
SYSTEM_COLUMNS: tuple[str, ...] = (
    "id",
    "owner_id",
    "department_id",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
)
# System columns a query may filter or sort on (they are not secret: they are how scope
# itself is expressed).
QUERYABLE_SYSTEM_COLUMNS: tuple[str, ...] = (
    "id",
    "owner_id",
    "department_id",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: FieldType
    label_zh: str
    label_en: str
    sensitivity: Sensitivity = Sensitivity.NORMAL
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    # (label_zh, label_en) of each choice, in the order of `choices`
    choice_labels: tuple[tuple[str, str], ...] = ()
    ref: str | None = None  # target object for REFERENCE fields
    searchable: bool = False  # part of free-text search `q`
    indexed: bool = False

    def __post_init__(self) -> None:
        if self.type is FieldType.REFERENCE and self.ref is None:
            raise ValueError(f"reference field {self.name} needs a target object")
        if self.type is FieldType.ENUM and not self.choices:
            raise ValueError(f"enum field {self.name} needs choices")
        if len(self.choice_labels) != len(self.choices):
            raise ValueError(f"enum field {self.name} needs a label pair for each choice")

    def choice_label(self, value: str) -> tuple[str, str]:
        """(label_zh, label_en) of one of the choices."""
        return self.choice_labels[self.choices.index(value)]


@dataclass(frozen=True)
class ObjectDef:
    name: str
    plural: str  # URL segment, e.g. "service-records"
    table: str
    label_zh: str
    label_en: str
    title_field: str  # the field that names a record in references and lists
    fields: tuple[FieldDef, ...]
    field_map: dict[str, FieldDef] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_map", {f.name: f for f in self.fields})
        if self.title_field not in self.field_map:
            raise ValueError(f"{self.name}: title field {self.title_field} is not a field")

    def field(self, name: str) -> FieldDef:
        return self.field_map[name]

    @property
    def search_fields(self) -> tuple[FieldDef, ...]:
        return tuple(f for f in self.fields if f.searchable)


def _s(name: str, zh: str, en: str, **kw: object) -> FieldDef:
    kw.setdefault("max_length", 200)
    return FieldDef(name, FieldType.STRING, zh, en, **kw)  # type: ignore[arg-type]


def _t(name: str, zh: str, en: str, **kw: object) -> FieldDef:
    kw.setdefault("max_length", 4000)
    return FieldDef(name, FieldType.TEXT, zh, en, **kw)  # type: ignore[arg-type]


Choices = tuple[tuple[str, str, str], ...]  # (value, label_zh, label_en)


def _e(name: str, zh: str, en: str, choices: Choices, **kw: object) -> FieldDef:
    values, labels = tuple(c[0] for c in choices), tuple((c[1], c[2]) for c in choices)
    return FieldDef(name, FieldType.ENUM, zh, en, choices=values, choice_labels=labels,
                    indexed=True, **kw)  # type: ignore[arg-type]


def _ref(name: str, zh: str, en: str, target: str, **kw: object) -> FieldDef:
    return FieldDef(name, FieldType.REFERENCE, zh, en, ref=target, indexed=True, **kw)  # type: ignore[arg-type]


def _money(name: str, zh: str, en: str, **kw: object) -> FieldDef:
    kw.setdefault("sensitivity", Sensitivity.FINANCIAL)
    return FieldDef(name, FieldType.DECIMAL, zh, en, **kw)  # type: ignore[arg-type]


PERSONAL = Sensitivity.PERSONAL
CONTRACT = Sensitivity.CONTRACT

INDUSTRY_CHOICES: Choices = (
    ("manufacturing", "制造业", "Manufacturing"), ("retail", "零售", "Retail"),
    ("finance", "金融", "Finance"), ("technology", "科技", "Technology"),
    ("healthcare", "医疗健康", "Healthcare"), ("education", "教育", "Education"),
    ("logistics", "物流", "Logistics"), ("energy", "能源", "Energy"),
    ("real_estate", "房地产", "Real estate"), ("agriculture", "农业", "Agriculture"),
)
REGION_CHOICES: Choices = (
    ("east", "华东", "East"), ("south", "华南", "South"), ("north", "华北", "North"),
    ("central", "华中", "Central"), ("west", "西部", "West"),
    ("northeast", "东北", "Northeast"), ("overseas", "海外", "Overseas"),
)
STAGE_CHOICES: Choices = (
    ("lead", "线索", "Lead"), ("qualified", "已确认", "Qualified"),
    ("proposal", "方案", "Proposal"), ("negotiation", "谈判", "Negotiation"),
    ("won", "赢单", "Won"), ("lost", "输单", "Lost"),
)
INDUSTRIES = tuple(c[0] for c in INDUSTRY_CHOICES)
REGIONS = tuple(c[0] for c in REGION_CHOICES)
STAGES = tuple(c[0] for c in STAGE_CHOICES)

OBJECTS: tuple[ObjectDef, ...] = (
    ObjectDef(
        "customer", "customers", "customers", "客户", "Customer", "name",
        (
            _s("name", "客户名称", "Name", required=True, searchable=True, indexed=True),
            _e("industry", "行业", "Industry", INDUSTRY_CHOICES),
            _e("region", "区域", "Region", REGION_CHOICES),
            _e("level", "客户等级", "Level", (("A", "A 级", "A"), ("B", "B 级", "B"),
                                           ("C", "C 级", "C"), ("D", "D 级", "D"))),
            FieldDef("phone", FieldType.PHONE, "电话", "Phone", PERSONAL, max_length=40,
                     searchable=True),
            FieldDef("email", FieldType.EMAIL, "电子邮箱", "E-mail", PERSONAL, max_length=200),
            _s("address", "地址", "Address", sensitivity=PERSONAL, max_length=400),
            _money("credit_limit", "信用额度", "Credit limit"),
            _e("status", "状态", "Status", (("prospect", "潜在", "Prospect"),
                                          ("active", "活跃", "Active"),
                                          ("dormant", "休眠", "Dormant"),
                                          ("lost", "流失", "Lost"))),
            _t("notes", "备注", "Notes"),
        ),
    ),
    ObjectDef(
        "contact", "contacts", "contacts", "联系人", "Contact", "name",
        (
            _s("name", "姓名", "Name", required=True, searchable=True, indexed=True),
            _ref("customer_id", "所属客户", "Customer", "customer"),
            _s("title", "职务", "Title"),
            FieldDef("phone", FieldType.PHONE, "手机", "Mobile", PERSONAL, max_length=40,
                     searchable=True),
            FieldDef("email", FieldType.EMAIL, "电子邮箱", "E-mail", PERSONAL, max_length=200),
            _s("id_number", "身份证号", "ID number", sensitivity=PERSONAL, max_length=40),
            _t("notes", "备注", "Notes"),
        ),
    ),
    ObjectDef(
        "opportunity", "opportunities", "opportunities", "商机", "Opportunity", "name",
        (
            _s("name", "商机名称", "Name", required=True, searchable=True),
            _ref("customer_id", "客户", "Customer", "customer"),
            _e("stage", "阶段", "Stage", STAGE_CHOICES, required=True),
            _money("amount", "预计金额", "Amount"),
            FieldDef("probability", FieldType.INTEGER, "赢率(%)", "Probability (%)"),
            FieldDef("expected_close", FieldType.DATE, "预计成交日期", "Expected close"),
            _s("source", "来源", "Source"),
        ),
    ),
    ObjectDef(
        "contract", "contracts", "contracts", "合同", "Contract", "number",
        (
            _s("number", "合同编号", "Number", required=True, searchable=True, indexed=True,
               max_length=60),
            _s("title", "合同名称", "Title", searchable=True),
            _ref("customer_id", "客户", "Customer", "customer"),
            _ref("opportunity_id", "商机", "Opportunity", "opportunity"),
            _money("amount", "合同金额", "Amount"),
            _t("terms", "合同条款", "Terms", sensitivity=CONTRACT),
            FieldDef("signed_on", FieldType.DATE, "签订日期", "Signed on"),
            _e("status", "状态", "Status", (("draft", "草稿", "Draft"),
                                          ("active", "执行中", "Active"),
                                          ("completed", "已完成", "Completed"),
                                          ("terminated", "已终止", "Terminated"))),
        ),
    ),
    ObjectDef(
        "payment", "payments", "payments", "回款", "Payment", "number",
        (
            _s("number", "回款编号", "Number", required=True, searchable=True, max_length=60),
            _ref("contract_id", "合同", "Contract", "contract"),
            _money("amount", "回款金额", "Amount"),
            FieldDef("paid_on", FieldType.DATE, "回款日期", "Paid on"),
            _e("method", "方式", "Method",
               (("bank_transfer", "银行转账", "Bank transfer"), ("cheque", "支票", "Cheque"),
                ("cash", "现金", "Cash"), ("alipay", "支付宝", "Alipay"),
                ("wechat_pay", "微信支付", "WeChat Pay"))),
            _s("bank_account", "收款账号", "Bank account", sensitivity=Sensitivity.FINANCIAL,
               max_length=60),
        ),
    ),
    ObjectDef(
        "service_record", "service-records", "service_records", "服务记录", "Service record",
        "subject",
        (
            _s("subject", "主题", "Subject", required=True, searchable=True),
            _ref("customer_id", "客户", "Customer", "customer"),
            _e("status", "状态", "Status", (("open", "待处理", "Open"),
                                          ("in_progress", "处理中", "In progress"),
                                          ("resolved", "已解决", "Resolved"),
                                          ("closed", "已关闭", "Closed"))),
            _e("priority", "优先级", "Priority", (("low", "低", "Low"),
                                               ("normal", "普通", "Normal"),
                                               ("high", "高", "High"),
                                               ("urgent", "紧急", "Urgent"))),
            _t("description", "描述", "Description"),
            FieldDef("resolved_at", FieldType.DATETIME, "解决时间", "Resolved at"),
        ),
    ),
    ObjectDef(
        "activity", "activities", "activities", "跟进记录", "Activity", "subject",
        (
            _s("subject", "主题", "Subject", required=True, searchable=True),
            _ref("customer_id", "客户", "Customer", "customer"),
            _e("kind", "类型", "Kind", (("call", "电话", "Call"), ("visit", "拜访", "Visit"),
                                        ("email", "邮件", "E-mail"),
                                        ("meeting", "会议", "Meeting"),
                                        ("wechat", "微信", "WeChat"))),
            FieldDef("occurred_at", FieldType.DATETIME, "发生时间", "Occurred at"),
            _t("notes", "内容", "Notes"),
        ),
    ),
    ObjectDef(
        "task", "tasks", "tasks", "任务", "Task", "title",
        (
            _s("title", "标题", "Title", required=True, searchable=True),
            _ref("customer_id", "客户", "Customer", "customer"),
            FieldDef("due_on", FieldType.DATE, "截止日期", "Due on"),
            _e("status", "状态", "Status", (("open", "未完成", "Open"),
                                          ("done", "已完成", "Done"),
                                          ("cancelled", "已取消", "Cancelled"))),
            _e("priority", "优先级", "Priority", (("low", "低", "Low"),
                                               ("normal", "普通", "Normal"),
                                               ("high", "高", "High"))),
            _t("notes", "备注", "Notes"),
        ),
    ),
    ObjectDef(
        "sales_plan", "sales-plans", "sales_plans", "销售计划", "Sales plan", "title",
        (
            _s("title", "标题", "Title", required=True, searchable=True),
            _s("period", "周期", "Period", max_length=20),
            _money("target_amount", "目标金额", "Target amount"),
            _money("achieved_amount", "完成金额", "Achieved amount"),
            _t("notes", "备注", "Notes"),
        ),
    ),
)

OBJECT_MAP: dict[str, ObjectDef] = {o.name: o for o in OBJECTS}
OBJECT_NAMES: tuple[str, ...] = tuple(OBJECT_MAP)


class UnknownName(LookupError):
    """A name that the catalog does not know (object, field, action…)."""

    def __init__(self, kind: str, name: str, known: tuple[str, ...] | list[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        super().__init__(f"unknown {kind} {name!r}; known: {', '.join(self.known)}")


def get_object(name: str) -> ObjectDef:
    try:
        return OBJECT_MAP[name]
    except KeyError:
        raise UnknownName("object", name, OBJECT_NAMES) from None


def get_field(obj: str, name: str) -> FieldDef:
    odef = get_object(obj)
    try:
        return odef.field_map[name]
    except KeyError:
        raise UnknownName("field", f"{obj}.{name}", tuple(odef.field_map)) from None


def check_action(action: str) -> str:
    if action not in ACTIONS:
        raise UnknownName("action", action, ACTIONS)
    return action
