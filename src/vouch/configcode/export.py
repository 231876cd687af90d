"""The live configuration as one document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from vouch.access.service import policy_version
from vouch.configcode.document import FORMAT
from vouch.configcode.keys import Directory
from vouch.configcode.roles import live_roles
from vouch.configcode.rules import RULE_SECTIONS, live_rules
from vouch.configcode.workflow import live_conflicts, live_policies, live_settings


def export_document(session: Session, now: datetime) -> dict[str, Any]:
    """Roles by key, rules by name; every reference to a department, user or role by its
    key. `policy_version` is what `--expect-version` compares with on import."""
    d = Directory.load(session)
    document: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "policy_version": policy_version(session),
        "roles": list(live_roles(session, d).values()),
    }
    for section, kind in RULE_SECTIONS.items():
        document[section] = live_rules(session, kind, d)
    document["approval_policies"] = list(live_policies(session, d).values())
    document["role_conflicts"] = list(live_conflicts(session, d).values())
    document["settings"] = live_settings(session)
    return document
