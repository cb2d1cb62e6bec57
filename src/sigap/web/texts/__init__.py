"""The words on server-rendered pages: key -> (Bahasa Indonesia, English).

Pages never hard-code a sentence; they call ``t("key")`` (see :mod:`sigap.web.pages`), so both
languages stay complete and a missing key fails a test instead of showing up half translated.
Placeholders use ``str.format`` names: ``t("count_reports", n=3)``. Add keys of a new page in a
block under a comment naming the page, in the module of its app (eases merging between
branches); a key is defined once (a test checks).
"""

from __future__ import annotations

from typing import Any

from sigap.web.texts import (
    admin,
    cards,
    citizen,
    common,
    fares,
    market,
    moderation,
    officials,
    portal,
    transit,
)

_MODULES = (common, officials, portal, admin, citizen, moderation, transit, market, cards, fares)
TEXTS: dict[str, tuple[str, str]] = {k: v for m in _MODULES for k, v in m.TEXTS.items()}
DUPLICATES = sum(len(m.TEXTS) for m in _MODULES) - len(TEXTS)


def translate(language: str, key: str, **params: Any) -> str:
    """The text of ``key`` in ``language``; an unknown key raises so tests catch it."""
    indonesian, english = TEXTS[key]
    text = english if language == "en" else indonesian
    return text.format(**params) if params else text
