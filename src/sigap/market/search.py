"""Product search: typo-tolerant, the same on SQLite and PostgreSQL, near a point or within a
kelurahan or kecamatan.

The index is three plain tables kept by the product use cases (:func:`index`):
``market_word`` (a folded word of a product's name, category or description → the product),
``market_vocab`` (every word indexed, with its number of distinct trigrams) and
``market_gram`` (trigram → word). Folding and trigrams are :mod:`sigap.geo.places`' own, so a
word matches the way place names do (pg_trgm's measure: shared / all distinct trigrams, at least
:data:`MIN_SIMILARITY`; a word it begins, from three letters, scores :data:`PREFIX_SCORE`).

A query word is first matched against the vocabulary (a few thousand words: one grouped read of
``market_gram``), then the products holding any matched word are read with the area's filters;
a product must match every query word, its score is the mean of the best matches, and the list
is ordered by score (in steps of 0.05), then by distance from the point when one is given.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, and_, delete, exists, func, insert, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from sigap.geo.places import trigrams, words
from sigap.models import MarketGram, MarketProduct, MarketSeller, MarketVocab, MarketWord

MIN_SIMILARITY = 0.3
PREFIX_SCORE = 0.9
MAX_WORDS = 6  # query words looked at
MAX_MATCHES = 12  # vocabulary words kept per query word, best first
CANDIDATES = 200  # products scored exactly by a search of the whole region
COUNT_CAP = 5000  # postings counted to find a query's rarest word
METRES_PER_DEGREE = 111_320.0
Query = TypeVar("Query", bound=Select[*tuple[Any, ...]])
CATEGORY_WORDS = {
    "food": "makanan food kue",
    "drink": "minuman drink",
    "crafts": "kerajinan crafts",
    "souvenirs": "oleh souvenir",
}


def terms(name: str, category: str, description: str = "") -> set[str]:
    """The folded words a product is found by (words over 40 letters are left out)."""
    text = f"{name} {CATEGORY_WORDS.get(category, '')} {description[:300]}"
    return {w for w in words(text) if 2 <= len(w) <= 40}


def index(session: Session, product_id: int, found: Iterable[str]) -> None:
    """(Re)index one product: its postings replaced, new words added to the vocabulary."""
    wanted = sorted(set(found))
    session.execute(delete(MarketWord).where(MarketWord.product_id == product_id))
    if not wanted:
        return
    known = set(session.scalars(select(MarketVocab.word).where(MarketVocab.word.in_(wanted))))
    new = [w for w in wanted if w not in known]
    if new:
        session.execute(insert(MarketVocab), [{"word": w, "grams": len(trigrams(w))} for w in new])
        grams = [{"gram": g, "word": w} for w in new for g in sorted(trigrams(w))]
        session.execute(insert(MarketGram), grams)
    session.execute(insert(MarketWord), [{"word": w, "product_id": product_id} for w in wanted])


@dataclass(frozen=True, slots=True)
class Area:
    """Where to look: a kelurahan, a kecamatan, or a circle around a point (any may be None)."""

    kelurahan: str | None = None
    kecamatan: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_m: float = 3000.0


def matches(session: Session, word: str) -> dict[str, float]:
    """Vocabulary words like ``word`` and their scores."""
    grams = trigrams(word)
    shared = func.count().label("shared")
    rows = session.execute(
        select(MarketGram.word, MarketVocab.grams, shared)
        .join(MarketVocab, MarketVocab.word == MarketGram.word)
        .where(MarketGram.gram.in_(sorted(grams)))
        .group_by(MarketGram.word, MarketVocab.grams)
    )
    found: dict[str, float] = {}
    for other, other_grams, count in rows:
        score = count / (len(grams) + other_grams - count)
        if other == word:
            score = 1.0
        elif len(word) >= 3 and other.startswith(word):
            score = max(score, PREFIX_SCORE)
        if score >= MIN_SIMILARITY:
            found[other] = score
    best = sorted(found.items(), key=lambda item: -item[1])[:MAX_MATCHES]
    return dict(best)


def _filtered(query: Query, area: Area, category: str | None) -> Query:
    query = query.where(MarketProduct.active.is_(True), MarketSeller.status == "active")
    if category is not None:
        query = query.where(MarketProduct.category == category)
    if area.kelurahan is not None:
        query = query.where(MarketProduct.kelurahan_code == area.kelurahan)
    if area.kecamatan is not None:
        query = query.where(MarketProduct.kecamatan_code == area.kecamatan)
    if area.lat is not None and area.lon is not None:
        dlat = area.radius_m / METRES_PER_DEGREE
        dlon = dlat / max(math.cos(math.radians(area.lat)), 0.01)
        query = query.where(
            and_(
                MarketProduct.lat.between(area.lat - dlat, area.lat + dlat),
                MarketProduct.lon.between(area.lon - dlon, area.lon + dlon),
            )
        )
    return query


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: exact enough within a city."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(x, math.radians(lat2 - lat1)) * 6_371_000


def search(
    session: Session, text: str, area: Area, *, category: str | None = None, limit: int = 20
) -> list[tuple[int, float]]:
    """(product id, score) best first. Without query words: the area's products, nearest (or
    newest) first."""
    asked = list(dict.fromkeys(words(text)))[:MAX_WORDS]
    base = select(MarketProduct.id, MarketProduct.lat, MarketProduct.lon).join(
        MarketSeller, MarketSeller.id == MarketProduct.seller_id
    )
    if not asked:
        rows = session.execute(
            _filtered(base, area, category).order_by(MarketProduct.id.desc()).limit(2000)
        ).all()
        return _ranked({r.id: 1.0 for r in rows}, {r.id: (r.lat, r.lon) for r in rows}, area, limit)
    wanted = [matches(session, word) for word in asked]
    if not all(wanted):
        return []
    if area.kelurahan is None and area.kecamatan is None and area.lat is None:
        return _everywhere(session, wanted, category, limit)
    every = sorted({w for found in wanted for w in found})
    rows = session.execute(
        _filtered(
            base.add_columns(MarketWord.word).join(
                MarketWord, MarketWord.product_id == MarketProduct.id
            ),
            area,
            category,
        ).where(_word(session, area, every).in_(every))
    ).all()
    held: dict[int, set[str]] = {}
    points: dict[int, tuple[float, float]] = {}
    for row in rows:
        held.setdefault(row.id, set()).add(row.word)
        points[row.id] = (row.lat, row.lon)
    return _ranked(_scores(held, wanted), points, area, limit)


def _word(session: Session, area: Area, words: list[str]) -> Any:
    """On SQLite, start from whichever is smaller, the area's products or the words' postings (both
    counted up to :data:`COUNT_CAP`, a millisecond each). To start from the area, the word's
    condition is written as an expression (word || '') that no planner starts from (SQLite has
    no statistics to know better); each product's words then come by
    ix_market_word_product_id."""
    if session.get_bind().dialect.name != "sqlite":
        return MarketWord.word  # PostgreSQL's planner has statistics (ANALYZE) to choose by
    area_only = select(MarketProduct.id)
    if area.kelurahan is not None:
        area_only = area_only.where(MarketProduct.kelurahan_code == area.kelurahan)
    if area.kecamatan is not None:
        area_only = area_only.where(MarketProduct.kecamatan_code == area.kecamatan)
    if area.lat is not None and area.lon is not None:
        dlat = area.radius_m / METRES_PER_DEGREE
        area_only = area_only.where(MarketProduct.lat.between(area.lat - dlat, area.lat + dlat))
    postings = select(MarketWord.product_id).where(MarketWord.word.in_(words))
    if _count(session, area_only) < _count(session, postings):
        return MarketWord.word.concat("")
    return MarketWord.word


def _scores(held: dict[int, set[str]], wanted: list[dict[str, float]]) -> dict[int, float]:
    """Each product's mean of its best match per query word (products missing one: out)."""
    scores = {}
    for product_id, found in held.items():
        best = [
            max((s for w, s in options.items() if w in found), default=0.0) for options in wanted
        ]
        if all(best):
            scores[product_id] = sum(best) / len(best)
    return scores


def _everywhere(
    session: Session, wanted: list[dict[str, float]], category: str | None, limit: int
) -> list[tuple[int, float]]:
    """The whole region: a common word ("kue") has tens of thousands of products, too many to
    read and score. The rarest query word (its postings counted up to :data:`COUNT_CAP`)
    drives: its matches best first, each word's postings newest first (an index range, read
    only as far as needed), the other query words checked by EXISTS; up to
    :data:`CANDIDATES` products are then scored exactly like the area path's."""
    driver = 0
    if len(wanted) > 1:
        driver = min(range(len(wanted)), key=lambda i: _postings(session, wanted[i]))
    others = [options for i, options in enumerate(wanted) if i != driver]
    tiers: dict[int, list[str]] = {}
    for word, score in wanted[driver].items():
        tiers.setdefault(round(score / 0.05), []).append(word)
    # Every matched word's newest postings in one statement (a round trip costs more than
    # the reads), then taken tier by tier, best first.
    parts = [
        select(literal(word).label("word"), driven.c.product_id).select_from(driven)
        for word in wanted[driver]
        for driven in [_driven(word, others, category, CANDIDATES).subquery()]
    ]
    by_word: dict[str, list[int]] = {}
    for word, product_id in session.execute(union_all(*parts)):
        by_word.setdefault(word, []).append(product_id)
    found: dict[int, None] = {}
    for step in sorted(tiers, reverse=True):
        ids = {p for word in tiers[step] for p in by_word.get(word, ())}
        for product_id in sorted(ids, reverse=True):
            found.setdefault(product_id)
        if len(found) >= CANDIDATES:
            break
    held: dict[int, set[str]] = {}
    every = sorted({w for options in wanted for w in options})
    for product_id, word in session.execute(
        select(MarketWord.product_id, MarketWord.word).where(
            MarketWord.product_id.in_(list(found)[:CANDIDATES]), MarketWord.word.in_(every)
        )
    ):
        held.setdefault(product_id, set()).add(word)
    return _ranked(_scores(held, wanted), {}, Area(), limit)


def _postings(session: Session, options: dict[str, float]) -> int:
    postings = select(MarketWord.product_id).where(MarketWord.word.in_(list(options)))
    return _count(session, postings)


def _count(session: Session, query: Select[Any]) -> int:
    """The rows of ``query``, counted up to :data:`COUNT_CAP`."""
    counted = select(func.count()).select_from(query.limit(COUNT_CAP).subquery())
    return int(session.scalar(counted) or 0)


def _driven(word: str, others: list[dict[str, float]], category: str | None, limit: int) -> Any:
    other = aliased(MarketWord)
    query = (
        select(MarketWord.product_id)
        .join(MarketProduct, MarketProduct.id == MarketWord.product_id)
        .join(MarketSeller, MarketSeller.id == MarketProduct.seller_id)
        .where(MarketWord.word == word)
    )
    for options in others:
        query = query.where(
            exists().where(other.product_id == MarketWord.product_id, other.word.in_(list(options)))
        )
    query = _filtered(query, Area(), category)
    return query.order_by(MarketWord.product_id.desc()).limit(limit)


def _ranked(
    scores: dict[int, float], points: dict[int, tuple[float, float]], area: Area, limit: int
) -> list[tuple[int, float]]:
    def key(product_id: int) -> tuple[float, float, int]:
        step = -round(scores[product_id] / 0.05)
        if area.lat is None or area.lon is None:
            return step, 0.0, -product_id
        lat, lon = points[product_id]
        return step, distance_m(area.lat, area.lon, lat, lon), product_id

    inside = [
        p
        for p in scores
        if area.lat is None
        or area.lon is None
        or distance_m(area.lat, area.lon, *points[p]) <= area.radius_m
    ]
    return [(p, round(scores[p], 3)) for p in sorted(inside, key=key)[:limit]]


def drop(session: Session, product_ids: Sequence[int]) -> None:
    session.execute(delete(MarketWord).where(MarketWord.product_id.in_(product_ids)))
