"""Console use cases on officials' accounts, channel keys and photo moderation.

A new official gets a random one-time password, shown once to the admin who hands it over;
deactivating an official or resetting a password revokes every live session and token of the
account at once, so a lost phone or a departed employee stops working immediately.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sigap.accounts.service import hash_password
from sigap.auth import throttle
from sigap.auth.service import OFFICIAL_ROLES, Subject
from sigap.channels import service as channels
from sigap.errors import SigapError
from sigap.history.audit import record
from sigap.kit import utcnow
from sigap.models import Account, AuthSession, Channel, Photo, ReportComment, Unit
from sigap.notify import outbox, webhooks
from sigap.photos import service as photos


def account_dict(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "email": account.email,
        "name": account.name,
        "role": account.role,
        "unit_id": account.unit_id,
        "language": account.language,
        "active": account.active,
    }


def list_officials(session: Session) -> list[Account]:
    query = select(Account).where(Account.role.in_(OFFICIAL_ROLES)).order_by(Account.email)
    return list(session.scalars(query))


def _official(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None or account.role not in OFFICIAL_ROLES:
        raise SigapError("account_not_found", account_id=account_id)
    return account


def _unit_id(session: Session, role: str, unit_code: str | None) -> int | None:
    if role not in OFFICIAL_ROLES:
        raise SigapError("invalid_role", role=role)
    if not unit_code:
        if role == "admin":
            return None
        raise SigapError("unknown_unit", unit="")
    unit = session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise SigapError("unknown_unit", unit=unit_code)
    if not unit.active:
        raise SigapError("unit_inactive", unit=unit_code)
    return unit.id


def one_time_password() -> str:
    return secrets.token_urlsafe(12)


def create_official(
    session: Session,
    actor: Subject,
    *,
    email: str,
    name: str,
    role: str,
    unit_code: str | None,
    language: str = "id",
) -> tuple[Account, str]:
    """A new official account and its one-time password (shown once, never stored)."""
    email = email.strip().lower()
    if "@" not in email or not name.strip() or language not in ("id", "en"):
        raise SigapError("invalid_input", detail="email, name and language")
    if session.scalar(select(Account.id).where(Account.email == email)) is not None:
        raise SigapError("email_taken", email=email)
    password = one_time_password()
    account = Account(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=role,
        unit_id=_unit_id(session, role, unit_code),
        language=language,
        active=True,
        created_at=utcnow(),
    )
    session.add(account)
    session.flush()
    record(session, actor, "official.create", "account", account.id, after=account_dict(account))
    return account, password


def assign_official(
    session: Session, actor: Subject, account_id: int, *, role: str, unit_code: str | None
) -> Account:
    account = _official(session, account_id)
    before = account_dict(account)
    account.unit_id = _unit_id(session, role, unit_code)
    account.role = role
    _revoke_sessions(session, account.id)  # a session's scope was computed for the old role
    after = account_dict(account)
    record(session, actor, "official.assign", "account", account.id, before=before, after=after)
    return account


def deactivate_official(session: Session, actor: Subject, account_id: int) -> Account:
    account = _official(session, account_id)
    before = account_dict(account)
    account.active = False
    revoked = _revoke_sessions(session, account.id)
    after = {**account_dict(account), "sessions_revoked": revoked}
    record(session, actor, "official.deactivate", "account", account.id, before=before, after=after)
    return account


def reset_password(session: Session, actor: Subject, account_id: int) -> tuple[Account, str]:
    account = _official(session, account_id)
    password = one_time_password()
    account.password_hash = hash_password(password)
    revoked = _revoke_sessions(session, account.id)
    throttle.forget(session, account.email)  # its owner may sign in with it at once
    record(
        session,
        actor,
        "official.reset_password",
        "account",
        account.id,
        after={"sessions_revoked": revoked},
    )
    return account, password


def _revoke_sessions(session: Session, account_id: int) -> int:
    result = session.execute(
        update(AuthSession)
        .where(AuthSession.account_id == account_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def channel_dict(channel: Channel) -> dict[str, Any]:
    return {
        "id": channel.id,
        "slug": channel.slug,
        "name": channel.name,
        "key_prefix": channel.key_prefix,
        "created_at": channel.created_at.isoformat(),
        "revoked_at": channel.revoked_at.isoformat() if channel.revoked_at else None,
        "reports_per_hour": channel.reports_per_hour,
    }


def create_channel(
    session: Session, actor: Subject, *, name: str, reports_per_hour: int | None = None
) -> tuple[Channel, str]:
    channel, key = channels.create(session, name=name, reports_per_hour=reports_per_hour)
    record(session, actor, "channel.create", "channel", channel.id, after=channel_dict(channel))
    return channel, key


def set_channel_quota(
    session: Session, actor: Subject, channel_id: int, reports_per_hour: int | None
) -> Channel:
    before = session.get(Channel, channel_id)
    was = channel_dict(before) if before is not None else None
    channel = channels.set_quota(session, channel_id, reports_per_hour)
    record(session, actor, "channel.quota", "channel", channel.id, before=was,
           after=channel_dict(channel))  # fmt: skip
    return channel


def revoke_channel(session: Session, actor: Subject, channel_id: int) -> Channel:
    channel = channels.revoke(session, key_prefix_or_id=str(channel_id))
    record(session, actor, "channel.revoke", "channel", channel.id, after=channel_dict(channel))
    return channel


def recent_photos(session: Session, *, limit: int = 60) -> list[Photo]:
    """The moderation queue: the newest photos first, hidden ones included (to restore)."""
    return list(session.scalars(select(Photo).order_by(Photo.id.desc()).limit(limit)))


def moderate_photo(session: Session, actor: Subject, photo_id: int, *, hidden: bool) -> None:
    if hidden:
        photos.hide(session, photo_id)
    else:
        photos.restore(session, photo_id)
    action = "photo.hide" if hidden else "photo.restore"
    record(session, actor, action, "photo", photo_id, after={"hidden": hidden})


def recent_comments(session: Session, *, limit: int = 60) -> list[ReportComment]:
    """Citizens' newest comments, hidden ones included (to restore)."""
    query = select(ReportComment).order_by(ReportComment.id.desc()).limit(limit)
    return list(session.scalars(query))


def comment_dict(comment: ReportComment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "report_id": comment.report_id,
        "body": comment.body,
        "hidden": comment.hidden,
        "created_at": comment.created_at.isoformat(),
    }


def moderate_comment(
    session: Session, actor: Subject, comment_id: int, *, action: str, body: str = ""
) -> ReportComment:
    """Hide, restore or redact a comment. Redacting replaces the text (e.g. a phone number
    posted in public) and the audit keeps only the old text's length, not the text itself."""
    comment = session.get(ReportComment, comment_id)
    if comment is None:
        raise SigapError("comment_not_found", comment_id=comment_id)
    after: dict[str, Any]
    if action == "hide":
        comment.hidden, comment.hidden_by = True, actor.account_id
        after = {"hidden": True}
    elif action == "restore":
        comment.hidden, comment.hidden_by = False, None
        after = {"hidden": False}
    elif action == "redact":
        if not body.strip():
            raise SigapError("invalid_input", detail="body")
        after = {"old_length": len(comment.body), "new_length": len(body.strip())}
        comment.body = body.strip()
    else:
        raise SigapError("not_found")
    record(session, actor, f"comment.{action}", "comment", comment.id, after=after)
    return comment


def create_webhook(session: Session, actor: Subject, *, url: str, events: list[str]) -> str:
    """Register an endpoint; returns its signing secret, shown once (audited without it)."""
    url = url.strip()
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise SigapError("invalid_input", details=[{"field": "url", "value": url}])
    if not events:
        raise SigapError("invalid_input", details=[{"field": "events"}])
    made = webhooks.create(session, url=url, events=events, secret=None)
    audit_row = {"url": url, "events": made["events"]}
    record(session, actor, "webhook.create", "webhook", made["id"], after=audit_row)
    return str(made["secret"])


def delete_webhook(session: Session, actor: Subject, endpoint_id: int) -> None:
    webhooks.delete(session, endpoint_id)
    record(session, actor, "webhook.delete", "webhook", endpoint_id)


def retry_message(session: Session, actor: Subject, message_id: int) -> None:
    """A dead letter back to pending, with a fresh round of attempts."""
    if not outbox.retry(session, message_id):
        raise SigapError("outbox_message_not_found", message=message_id)
    record(session, actor, "outbox.retry", "outbox", message_id)
