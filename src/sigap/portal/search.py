"""Search by name and paging for the portal's long lists (areas, responsible units, ranking).

A name matches when every word of the query is found in it, after both are folded the same
way: case and diacritics dropped, punctuation read as spaces, and the words that only say what
kind of place or office it is ("kel.", "kec.", "desa", "kota", "kantor"...) left out of the
query, so "Kel. Gambir", "kelurahan gambir" and "GAMBIR" find the same rows. A word of five
letters or more also matches a word of the name that is one typing slip away (difflib ratio
0.8), so "Cempka" finds Cempaka Putih."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TypeVar
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from sigap.errors import SigapError

PAGE_SIZE = 50
QUERY_MAX = 100
KIND_WORDS = frozenset(
    {
        *("kel", "kelurahan", "kec", "kecamatan", "ds", "desa", "kab", "kabupaten", "kota"),
        *("adm", "administrasi", "kantor", "office", "district", "pemerintah", "government"),
    }
)
CLOSE = 0.8
Row = TypeVar("Row")


def fold(text: str) -> list[str]:
    """The words of ``text`` without case, diacritics or punctuation."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return "".join(c if c.isalnum() else " " for c in plain).split()


def query_words(query: str) -> list[str]:
    """The words a name must hold; the kind words are dropped unless nothing else is left."""
    words = fold(query)
    kept = [w for w in words if w not in KIND_WORDS]
    return kept or words


def matches(words: Sequence[str], name: str) -> bool:
    if not words:
        return True
    folded = fold(name)
    joined = " ".join(folded)
    return all(word in joined or _close(word, folded) for word in words)


def _close(word: str, names: list[str]) -> bool:
    if len(word) < 5:
        return False
    return any(SequenceMatcher(None, word, name).ratio() >= CLOSE for name in names)


def search(rows: Sequence[Row], query: str, name: Callable[[Row], str]) -> list[Row]:
    words = query_words(query)
    return [row for row in rows if matches(words, name(row))]


@dataclass(frozen=True)
class Pager:
    """Page ``page`` of ``total`` rows; links keep every other query parameter."""

    page: int
    total: int
    size: int
    path: str
    params: tuple[tuple[str, str], ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def slice(self, rows: Sequence[Row]) -> list[Row]:
        start = (self.page - 1) * self.size
        return list(rows[start : start + self.size])

    def url(self, page: int) -> str:
        kept = [(k, v) for k, v in self.params if k != "page"]
        if page > 1:
            kept.append(("page", str(page)))
        return f"{self.path}?{urlencode(kept)}" if kept else self.path

    @property
    def prev_url(self) -> str | None:
        return self.url(min(self.page, self.pages + 1) - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.page + 1) if self.page < self.pages else None


def pager(path: str, params: QueryParams, total: int) -> Pager:
    return Pager(page_number(params), total, PAGE_SIZE, path, tuple(params.multi_items()))


def page_number(params: QueryParams) -> int:
    """``?page=``, a whole number from 1; anything else is refused."""
    raw = params.get("page") or "1"
    if not raw.isdigit() or int(raw) < 1:
        raise SigapError("invalid_input", details=[{"field": "page", "value": raw}])
    return int(raw)


def query_text(params: QueryParams) -> str:
    """``?q=``, trimmed; a very long one is refused rather than searched."""
    text = (params.get("q") or "").strip()
    if len(text) > QUERY_MAX:
        raise SigapError("invalid_input", details=[{"field": "q", "value": text[:20] + "…"}])
    return text
