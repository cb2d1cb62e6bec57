"""E-mail: templates (files, per language) rendered to plain text + HTML, sent over SMTP.

Each template ``NAME`` exists as ``templates/NAME.LANG.txt`` (its first line is ``Subject: ...``)
and ``templates/NAME.LANG.html``; HTML is autoescaped, so report text written by citizens can
never inject markup into an official's mailbox.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sigap.config import Settings

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = ("id", "en")


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render(name: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of template ``name`` in ``language`` (Indonesian fallback)."""
    language = language if language in LANGUAGES else "id"
    env = _environment()
    context = {**context, "lang": language}
    text = env.get_template(f"{name}.{language}.txt").render(context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"template {name}.{language}.txt must start with 'Subject:'")
    html = env.get_template(f"{name}.{language}.html").render(context)
    return first.removeprefix("Subject:").strip(), body.lstrip("\n"), html


def compose(
    settings: Settings, *, to: str, name: str, language: str, context: dict[str, Any]
) -> EmailMessage:
    subject, text, html = render(name, language, context)
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="sigap")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = language  # after the body: set_content drops Content-*
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    """Send one message; any SMTP or socket error propagates (the outbox retries it)."""
    if not settings.smtp_host:
        raise RuntimeError("SIGAP_SMTP_HOST is not set")
    with _connect(settings) as smtp:
        smtp.send_message(message)


def _connect(settings: Settings) -> smtplib.SMTP:
    host, port, timeout = settings.smtp_host or "", settings.smtp_port, settings.smtp_timeout_s
    if settings.smtp_security == "ssl":
        return _login(settings, smtplib.SMTP_SSL(host, port, timeout=timeout))
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return _login(settings, smtp)
    except BaseException:
        smtp.close()
        raise


def _login(settings: Settings, smtp: smtplib.SMTP) -> smtplib.SMTP:
    if settings.smtp_user:
        smtp.login(settings.smtp_user, settings.smtp_password or "")
    return smtp


def probe(settings: Settings) -> None:
    """Connect, greet and log in without sending anything (``sigap check``)."""
    with _connect(settings) as smtp:
        smtp.noop()
