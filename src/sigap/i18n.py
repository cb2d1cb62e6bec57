"""Language negotiation. Bahasa Indonesia is the default; English is the other language."""

from __future__ import annotations

import math

LANGUAGES = ("id", "en")
COOKIE = "sigap_lang"  # the remembered choice (sigap.web.language sets it)


def pick_language(accept_language: str | None, default: str = "id") -> str:
    """The best of our languages for an Accept-Language header (q-values honoured)."""
    if not accept_language:
        return default
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else default


def from_header(cookie: str) -> str | None:
    """The language in a Cookie header, if it names a valid one."""
    if COOKIE not in cookie:
        return None
    for part in cookie.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            value = value.strip()
            return value if value in LANGUAGES else None
    return None


_UNITS = {"id": ("detik", "menit", "jam"), "en": ("second", "minute", "hour")}


def say_duration(seconds: float, language: str) -> str:
    """A wait as people say it, rounded up: "45 detik", "15 menit", "1 hour 5 minutes".
    Under a minute in seconds, under an hour in minutes, else hours and minutes."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return _say(whole, 0, language)
    minutes = math.ceil(whole / 60)
    if minutes < 60:
        return _say(minutes, 1, language)
    hours, minutes = divmod(minutes, 60)
    said = _say(hours, 2, language)
    return f"{said} {_say(minutes, 1, language)}" if minutes else said


def _say(amount: int, unit: int, language: str) -> str:
    word = _UNITS["en" if language == "en" else "id"][unit]
    plural = "s" if language == "en" and amount != 1 else ""
    return f"{amount} {word}{plural}"
