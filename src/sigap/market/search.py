"""Product search: typo-tolerant, the same on SQLite and PostgreSQL, near a point or within a
kelurahan or kecamatan.

The index is three plain tables kept by the product use cases (:func:`index`):
``market_word`` (a folded word of a product's name, category or description → the product),
``market_vocab`` (every word indexed, with its number of distinct trigrams) and
``market_gram`` (trigram → word). Folding and trigrams are :mod:`sigap.geo.places`' own, so a
word matches the way place names do (pg_trgm's measure: shared / all distinct trigrams, at least
:data:`MIN_SIMILARITY`; a word it begins, from three letters, scores :data:`PREFIX_SCORE`).

The query words are first matched against the vocabulary (a few thousand words: one grouped
read of ``market_gram`` for all of them), then one statement ranks the products (:func:`ranked`):
a product must match every query word, its score is the mean of its best match per query word,
and the list is ordered by score in steps of 0.05, then by distance from the point when one is
given (nearest first), else newest first. Scores are whole thousandths so that the step is
integer arithmetic, the same on both databases; distances are equirectangular around the point
asked near (:func:`spread`), plain arithmetic that SQL and Python compute alike. Only ``limit``
rows come back: a 3 km circle holds thousands of products with a common word ("kue").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, delete, exists, func, insert, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from sigap.geo.places import trigrams, words
from sigap.models import MarketGram, MarketProduct, MarketSeller, MarketVocab, MarketWord

MIN_SIMILARITY = 0.3
PREFIX_SCORE = 0.9
MAX_WORDS = 6  # query words looked at
MAX_MATCHES = 12  # vocabulary words kept per query word, best first
CANDIDATES = 200  # products scored exactly by a search of the whole region
COUNT_CAP = 5000  # postings counted to find a query's rarest word
WHOLE = 1000  # a score of 1.0, in the thousandths the ranking adds up
STEP = 50  # the ranking's step of 0.05, in thousandths
METRES_PER_DEGREE = 6_371_000 * math.pi / 180  # of latitude, on a sphere of the Earth's radius
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


def index(
    session: Session, product_id: int, found: Iterable[str], point: tuple[float, float]
) -> None:
    """(Re)index one product at its (lat, lon): its postings replaced, new words added to the
    vocabulary. Called whenever a product's words or point change."""
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
    lat, lon = point
    postings = [{"word": w, "product_id": product_id, "lat": lat, "lon": lon} for w in wanted]
    session.execute(insert(MarketWord), postings)


@dataclass(frozen=True, slots=True)
class Area:
    """Where to look: a kelurahan, a kecamatan, or a circle around a point (any may be None)."""

    kelurahan: str | None = None
    kecamatan: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_m: float = 3000.0

    @property
    def point(self) -> tuple[float, float] | None:
        return None if self.lat is None or self.lon is None else (self.lat, self.lon)


def search(
    session: Session, text: str, area: Area, *, category: str | None = None, limit: int = 20
) -> list[tuple[int, float]]:
    """(product id, score) best first. Without query words: the area's products, nearest (or
    newest) first, all scoring 1.0."""
    asked = list(dict.fromkeys(words(text)))[:MAX_WORDS]
    wanted = vocabulary(session, asked)
    if not all(wanted):
        return []
    among = None
    if wanted and area.kelurahan is None and area.kecamatan is None and area.point is None:
        among = _candidates(session, wanted, category)
    return ranked(session, wanted, area, category=category, limit=limit, among=among)


def vocabulary(session: Session, asked: Sequence[str]) -> list[dict[str, float]]:
    """For each query word, the vocabulary words like it and their scores, best first (one
    statement for all)."""
    parts = [
        select(literal(i).label("i"), MarketGram.word, MarketVocab.grams, func.count())
        .join(MarketVocab, MarketVocab.word == MarketGram.word)
        .where(MarketGram.gram.in_(sorted(trigrams(word))))
        .group_by(MarketGram.word, MarketVocab.grams)
        for i, word in enumerate(asked)
    ]
    found: list[dict[str, float]] = [{} for _ in asked]
    if not parts:
        return found
    for i, other, other_grams, count in session.execute(union_all(*parts)):
        word = asked[i]
        score = count / (len(trigrams(word)) + other_grams - count)
        if other == word:
            score = 1.0
        elif len(word) >= 3 and other.startswith(word):
            score = max(score, PREFIX_SCORE)
        if score >= MIN_SIMILARITY:
            found[i][other] = score
    return [
        dict(sorted(options.items(), key=lambda item: (-item[1], item[0]))[:MAX_MATCHES])
        for options in found
    ]


def thousandths(score: float) -> int:
    return round(score * WHOLE)


def step(total: Any, count: int) -> Any:
    """The step of 0.05 of a mean of ``count`` scores adding up to ``total`` thousandths, half up
    (integer division: a whole number or an SQL expression alike)."""
    return (total + STEP // 2 * count) // (STEP * count)


def reach(area: Area) -> float:
    """The circle's radius in degrees of latitude."""
    return area.radius_m / METRES_PER_DEGREE


def spread(lat0: float, lon0: float, lat: Any, lon: Any) -> Any:
    """The squared equirectangular distance from (lat0, lon0), in degrees of latitude, the
    longitude scaled by the cosine at lat0: the same arithmetic on floats and on SQL columns."""
    x = lon - lon0
    y = lat - lat0
    scale = max(math.cos(math.radians(lat0)), 0.01)
    return x * scale * x * scale + y * y  # as SQL evaluates its rendering: left to right


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Metres from the point asked near (lat1, lon1): exact enough within a city."""
    return math.sqrt(spread(lat1, lon1, lat2, lon2)) * METRES_PER_DEGREE


def ranked(
    session: Session,
    wanted: list[dict[str, float]],
    area: Area,
    *,
    category: str | None = None,
    limit: int = 20,
    among: Select[Any] | None = None,
) -> list[tuple[int, float]]:
    """The area's products holding a match of every query word (``wanted``: vocabulary word →
    score, per query word), best first, in one statement: each product's best match per query
    word is a MAX of a CASE over its postings, the order and the limit are SQL's. ``among``:
    the product ids to rank (a subquery), instead of an area's."""
    count = max(len(wanted), 1)
    query = select(MarketProduct.id, MarketProduct.lat, MarketProduct.lon).join(
        MarketSeller, MarketSeller.id == MarketProduct.seller_id
    )
    if wanted:
        every = sorted({w for options in wanted for w in options})
        best = [
            func.max(case({w: thousandths(s) for w, s in options.items()}, value=MarketWord.word))
            for options in wanted
        ]
        query = (
            query.add_columns(*(b.label(f"best{i}") for i, b in enumerate(best)))
            .join(MarketWord, MarketWord.product_id == MarketProduct.id)
            .where(_word(session, area, every, among is not None).in_(every))
            .group_by(MarketProduct.id, MarketProduct.lat, MarketProduct.lon)
        )
    query = _filtered(query, area, category, MarketWord if wanted else MarketProduct)
    if among is not None:
        query = query.where(MarketProduct.id.in_(among))
    found = query.subquery()
    columns = [found.c[f"best{i}"] for i in range(len(wanted))]
    total: Any = sum(columns[1:], columns[0]) if columns else literal(WHOLE)
    order = [step(total, count).desc()] if columns else []
    if area.point is not None:
        order += [spread(*area.point, found.c.lat, found.c.lon), found.c.id]
    else:
        order.append(found.c.id.desc())
    rows = session.execute(
        select(found.c.id, total)
        .where(*(c.is_not(None) for c in columns))
        .order_by(*order)
        .limit(limit)
    )
    return [(product_id, round(points / count / WHOLE, 3)) for product_id, points in rows]


def _filtered(
    query: Query, area: Area, category: str | None, at: type[MarketWord | MarketProduct]
) -> Query:
    """The listed products of the area; a circle's box and radius on ``at``'s point: the
    postings' (on ix_market_word_place), or the products' when there are no query words."""
    query = query.where(MarketProduct.active.is_(True), MarketSeller.status == "active")
    if category is not None:
        query = query.where(MarketProduct.category == category)
    if area.kelurahan is not None:
        query = query.where(MarketProduct.kelurahan_code == area.kelurahan)
    if area.kecamatan is not None:
        query = query.where(MarketProduct.kecamatan_code == area.kecamatan)
    if area.point is not None:
        lat, lon = area.point
        dlat = reach(area)
        dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
        query = query.where(
            and_(
                at.lat.between(lat - dlat, lat + dlat),
                at.lon.between(lon - dlon, lon + dlon),
                spread(lat, lon, at.lat, at.lon) <= dlat * dlat,
            )
        )
    return query


def _word(session: Session, area: Area, words: list[str], among: bool) -> Any:
    """On SQLite, start from whichever is smaller, the area's products or the words' postings (both
    counted up to :data:`COUNT_CAP`, a millisecond each), and always from the candidates of a
    search of the whole region. To start from the products, the word's condition is written as
    an expression (word || '') that no planner starts from (SQLite has no statistics to know
    better); each product's words then come by ix_market_word_product_id."""
    if session.get_bind().dialect.name != "sqlite":
        return MarketWord.word  # PostgreSQL's planner has statistics (ANALYZE) to choose by
    if among:
        return MarketWord.word.concat("")
    if area.point is not None:
        return MarketWord.word  # the postings of the circle's box, on ix_market_word_place
    area_only = select(MarketProduct.id)
    if area.kelurahan is not None:
        area_only = area_only.where(MarketProduct.kelurahan_code == area.kelurahan)
    if area.kecamatan is not None:
        area_only = area_only.where(MarketProduct.kecamatan_code == area.kecamatan)
    postings = select(MarketWord.product_id).where(MarketWord.word.in_(words))
    if _count(session, area_only) < _count(session, postings):
        return MarketWord.word.concat("")
    return MarketWord.word


def _candidates(
    session: Session, wanted: list[dict[str, float]], category: str | None
) -> Select[Any]:
    """The whole region: a common word ("kue") has tens of thousands of products, too many to
    rank. The rarest query word (its postings counted up to :data:`COUNT_CAP`) drives: each of
    its matches' postings newest first (an index range, read only as far as needed), the other
    query words checked by EXISTS; the first :data:`CANDIDATES` products, by the driving match's
    step then newest first, are ranked (a subquery: no rows come back)."""
    driver = 0
    if len(wanted) > 1:
        driver = min(range(len(wanted)), key=lambda i: _postings(session, wanted[i]))
    others = [options for i, options in enumerate(wanted) if i != driver]
    parts = [
        select(literal(step(thousandths(score), 1)).label("tier"), driven.c.product_id)
        for word, score in wanted[driver].items()
        for driven in [_driven(word, others, category, CANDIDATES).subquery()]
    ]
    pool = union_all(*parts).subquery()
    return (
        select(pool.c.product_id)
        .group_by(pool.c.product_id)
        .order_by(func.max(pool.c.tier).desc(), pool.c.product_id.desc())
        .limit(CANDIDATES)
    )


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
    query = _filtered(query, Area(), category, MarketProduct)
    return query.order_by(MarketWord.product_id.desc()).limit(limit)


def drop(session: Session, product_ids: Sequence[int]) -> None:
    session.execute(delete(MarketWord).where(MarketWord.product_id.in_(product_ids)))
