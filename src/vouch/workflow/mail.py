"""E-mail of notifications, when SMTP settings are present (VOUCH_SMTP_*).

Mail leaves only after the transaction that stored the notifications committed: a
`notify` queues ids in the session, a commit moves them to the committed outbox, a rollback
drops them, and `deliver_committed` — called once the request's work is done — sends and
stamps `emailed_at`. A failure to send is logged and never fails the request; the
notification stays in the console.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from vouch.config import Settings
from vouch.org.models import User
from vouch.workflow.models import Notification
from vouch.workflow.notifications import OUTBOX

COMMITTED = "vouch_outbox_committed"
CATCH_UP = timedelta(days=1)  # the sweep mails what routes left unsent, this far back
log = logging.getLogger("vouch.mail")


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    pending = session.info.pop(OUTBOX, None)
    if pending:
        session.info.setdefault(COMMITTED, []).extend(pending)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous: Any) -> None:
    session.info.pop(OUTBOX, None)


def _what(p: dict[str, Any], lang: str) -> str:
    role = p.get("role")
    if isinstance(role, dict):
        return str(role.get("name") if lang == "zh" else role.get("name_en") or role.get("key"))
    if p.get("object"):
        return f"{p['object']} #{p.get('record_id')}"
    return ""


def compose(kind: str, p: dict[str, Any]) -> tuple[str, str]:
    """(subject, body): Chinese first, then English, as the console's two languages."""
    rid = p.get("request_id")
    reason = p.get("reason") or ""
    zh, en = _what(p, "zh"), _what(p, "en")
    texts = {
        "request.to_approve": (f"申请 #{rid} 等待您审批：{zh}",
                               f"Request #{rid} waits for your decision: {en}"),
        "problem.reported": (f"用户报告了权限问题（#{rid}）",
                             f"A problem with access was reported (#{rid})"),
        "request.step_approved": (f"您的申请 #{rid} 已通过一步审批：{zh}",
                                  f"A step of your request #{rid} was approved: {en}"),
        "request.approved": (f"您的申请 #{rid} 已批准：{zh}",
                             f"Your request #{rid} was approved: {en}"),
        "request.rejected": (f"您的申请 #{rid} 被拒绝：{reason}",
                             f"Your request #{rid} was rejected: {reason}"),
        "request.changes_requested": (f"您的申请 #{rid} 需要修改：{reason}",
                                      f"Changes are asked for your request #{rid}: {reason}"),
        "request.expired": (f"您的申请 #{rid} 已过期", f"Your request #{rid} expired"),
        "review.assigned": (f"访问审查“{p.get('campaign_name')}”有 {p.get('items')} 项待您审查，"
                            f"截止 {p.get('deadline')}",
                            f"Access review \"{p.get('campaign_name')}\": {p.get('items')} "
                            f"items wait for your decision by {p.get('deadline')}"),
        "access.ending_soon": (f"您的权限将于 {p.get('expires_at')} 到期：{zh}",
                               f"Your access ends at {p.get('expires_at')}: {en}"),
    }
    zh_line, en_line = texts.get(kind, (f"Vouch 通知：{kind}", f"Vouch notification: {kind}"))
    return (f"[Vouch] {zh_line} / {en_line}"[:200],
            f"{zh_line}\n{en_line}\n\n请在 Vouch 控制台查看详情。\nSee the details in the Vouch "
            "console.\n")


def _messages(session: Session, settings: Settings, ids: Iterable[int]
              ) -> list[tuple[int, EmailMessage]]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    rows = session.execute(select(Notification, User.email).join(
        User, User.id == Notification.user_id).where(
        Notification.id.in_(wanted), Notification.emailed_at.is_(None)))
    out = []
    for n, email in rows:
        if not email:
            continue
        subject, body = compose(n.kind, n.payload or {})
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = settings.smtp_from, email, subject
        msg.set_content(body)
        out.append((n.id, msg))
    return out


def send(session: Session, settings: Settings, ids: Iterable[int], now: datetime) -> int:
    """Send the notifications' mails over one connection; stamp those sent. Never raises
    for a mail problem."""
    if not settings.smtp_configured:
        return 0
    messages = _messages(session, settings, ids)
    if not messages:
        return 0
    sent: list[int] = []
    try:
        assert settings.smtp_host is not None
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            for nid, msg in messages:
                try:
                    smtp.send_message(msg)
                    sent.append(nid)
                except smtplib.SMTPException:
                    log.exception("could not e-mail notification %s", nid)
    except (OSError, smtplib.SMTPException):
        log.exception("could not e-mail %d notifications through %s:%s", len(messages),
                      settings.smtp_host, settings.smtp_port)
    if sent:
        session.execute(update(Notification).where(Notification.id.in_(sent))
                        .values(emailed_at=now).execution_options(synchronize_session=False))
        session.commit()
    return len(sent)


def deliver_committed(session: Session, settings: Settings, now: datetime) -> int:
    """Mail what this session's committed transactions stored (the outbox empties either
    way: without SMTP there is nothing to send)."""
    ids = session.info.pop(COMMITTED, None)
    if not ids:
        return 0
    try:
        session.rollback()  # whatever failed after the commit leaves nothing open
        return send(session, settings, ids, now)
    except Exception:  # mail never fails the request
        log.exception("could not deliver notification mail")
        return 0


def unsent_recent(session: Session, now: datetime) -> list[int]:
    return list(session.scalars(select(Notification.id).where(
        Notification.emailed_at.is_(None), Notification.created_at >= now - CATCH_UP)))
