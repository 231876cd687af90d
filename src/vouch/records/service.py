"""Record use cases for all nine objects: list, count, get, create, update, delete,
transfer, share, unshare, import. Every read goes through `access.query`; every write
checks the engine first; each call is one transaction, and its audit events are written
in that transaction (changes, and clear reads of sensitive fields).

This module is the door other code uses: it gathers the use cases from the modules that
hold them, one job each (use_case, reading, filters, cursor, visibility, sensitive_reads,
values, writing, sharing, importing, catalog_view)."""

from __future__ import annotations

from vouch.records.catalog_view import catalog_for
from vouch.records.cursor import decode_cursor, encode_cursor
from vouch.records.filters import check_integers
from vouch.records.importing import IMPORT_ERRORS_SHOWN, import_records, looks_like_formula
from vouch.records.reading import (
    MAX_LIMIT,
    NOT_NULL_SORTS,
    ListPlan,
    Page,
    count_records,
    fetch_page,
    get_record,
    list_records,
    plan_list,
    render_records,
)
from vouch.records.sensitive_reads import clear_sensitive_fields, note_sensitive_read
from vouch.records.sharing import list_shares, share_dict, share_record, unshare_record
from vouch.records.use_case import atomic, require_function
from vouch.records.values import MAX_ID, OWNER_KEYS, check_values, coerce_input, reference_problems
from vouch.records.writing import create_record, delete_record, transfer_record, update_record

__all__ = [
    "IMPORT_ERRORS_SHOWN", "MAX_ID", "MAX_LIMIT", "NOT_NULL_SORTS", "OWNER_KEYS",
    "ListPlan", "Page", "atomic", "catalog_for", "check_integers",
    "check_values", "clear_sensitive_fields", "coerce_input", "count_records", "create_record",
    "decode_cursor", "delete_record", "encode_cursor", "fetch_page", "get_record",
    "import_records", "list_records", "list_shares", "looks_like_formula",
    "note_sensitive_read", "plan_list", "reference_problems", "render_records",
    "require_function", "share_dict", "share_record", "transfer_record", "unshare_record",
    "update_record",
]
