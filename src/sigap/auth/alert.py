"""The e-mail that tells an official (or an admin) their account was locked.

Queued in the outbox in the transaction that counts the failure which starts the lock, so one
lock makes one e-mail, sent after commit like every other (``mail.send``, template
``sign_in_locked``). Citizens are told only with ``sign_in_notify_citizens``; phone-only
accounts have no address to write to. Without a mail server no e-mail is owed (as in
:mod:`sigap.notify.fanout`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sigap import models
from sigap.auth.service import OFFICIAL_ROLES
from sigap.config import Settings
from sigap.notify.fanout import MAIL_TOPIC, local_time
from sigap.notify.outbox import OUTBOX, new_row

if TYPE_CHECKING:
    from sigap.auth.throttle import Attempt

PHONE_ONLY = "@phone.invalid"


def account_locked(
    session: Session, settings: Settings, tried: Attempt, until: datetime, failures: int
) -> None:
    if not settings.smtp_host or tried.email.endswith(PHONE_ONLY):
        return
    account = session.execute(
        select(models.Account.name, models.Account.language, models.Account.role).where(
            models.Account.email == tried.email, models.Account.active.is_(True)
        )
    ).first()
    if account is None:
        return
    official = account.role in OFFICIAL_ROLES
    if not official and not settings.sign_in_notify_citizens:
        return
    page = "/officials/login" if official else "/app/signin"
    context = {
        "name": account.name,
        "at": local_time(tried.now, tried.zone),
        "until": local_time(until, tried.zone),
        "minutes": round(settings.sign_in_lock_minutes),
        "failures": failures,
        "address": tried.shown_address,
        "link": f"{settings.public_url.rstrip('/')}{page}",
        "official": official,
    }
    mail = {
        "to": tried.email,
        "template": "sign_in_locked",
        "language": account.language,
        "context": context,
    }
    session.execute(insert(OUTBOX), [new_row(MAIL_TOPIC, mail)])
