"""The nine record models, generated from the catalog (one definition, nine tables)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeEngine

from vouch.base import Base
from vouch.catalog import OBJECTS, FieldDef, FieldType, ObjectDef
from vouch.types import UTCDateTime, utcnow


class RecordBase(Base):
    """Columns every record has. Scope indexes lead with owner and department and end with
    the default order (updated_at desc, id desc) so each scope branch is index-ordered."""

    __abstract__ = True
    __object__: str

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr
    def owner_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def department_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("departments.id"))

    @declared_attr
    def created_by(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def updated_by(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))


def _column_type(f: FieldDef) -> TypeEngine[Any]:
    match f.type:
        case FieldType.STRING | FieldType.PHONE | FieldType.EMAIL:
            return String(f.max_length or 200)
        case FieldType.ENUM:
            return String(40)
        case FieldType.TEXT:
            return Text()
        case FieldType.INTEGER:
            return Integer()
        case FieldType.DECIMAL:
            return Numeric(16, 2, asdecimal=True)
        case FieldType.DATE:
            return Date()
        case FieldType.DATETIME:
            return UTCDateTime()
        case FieldType.REFERENCE:
            return Integer()
    raise AssertionError(f.type)


def _build_model(odef: ObjectDef) -> type[RecordBase]:
    table = odef.table
    attrs: dict[str, Any] = {
        "__tablename__": table,
        "__object__": odef.name,
        "__doc__": f"{odef.label_en} records ({odef.label_zh}).",
    }
    indexes = [
        Index(f"ix_{table}_owner_updated", "owner_id", "updated_at", "id"),
        Index(f"ix_{table}_department_updated", "department_id", "updated_at", "id"),
        # owner and department ride along so a dense scope's ordered scan can test them
        # without visiting the table (SQLite; measured in bench/o5_lists.py)
        Index(f"ix_{table}_updated", "updated_at", "id", "owner_id", "department_id"),
    ]
    for f in odef.fields:
        if f.type is FieldType.REFERENCE:
            target = next(o for o in OBJECTS if o.name == f.ref)
            col = mapped_column(ForeignKey(f"{target.table}.id"), nullable=not f.required)
        else:
            col = mapped_column(_column_type(f), nullable=not f.required)
        attrs[f.name] = col
        if f.indexed:
            indexes.append(Index(f"ix_{table}_{f.name}", f.name))
    attrs["__table_args__"] = tuple(indexes)
    class_name = "".join(part.capitalize() for part in odef.name.split("_"))
    return type(class_name, (RecordBase,), attrs)


RECORD_MODELS: dict[str, type[RecordBase]] = {o.name: _build_model(o) for o in OBJECTS}
RECORD_TABLE_NAMES: frozenset[str] = frozenset(o.table for o in OBJECTS)

Customer = RECORD_MODELS["customer"]
Contact = RECORD_MODELS["contact"]
Opportunity = RECORD_MODELS["opportunity"]
Contract = RECORD_MODELS["contract"]
Payment = RECORD_MODELS["payment"]
ServiceRecord = RECORD_MODELS["service_record"]
Activity = RECORD_MODELS["activity"]
Task = RECORD_MODELS["task"]
SalesPlan = RECORD_MODELS["sales_plan"]


def model_for(obj: str) -> type[RecordBase]:
    return RECORD_MODELS[obj]


__all__ = ["RECORD_MODELS", "RECORD_TABLE_NAMES", "RecordBase", "model_for"]
