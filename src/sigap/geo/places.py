"""Place search: streets, RW and areas by name, forgiving typos, nearest to the map first.

A citizen types "tamrin" for MH Thamrin, "jl kebon sirih" for Kebon Sirih, "rw 3 kebon melati"
for an RW. The places are the region's own reference data (its areas, its street layer and
its RW layer), a few tens of thousands of names that change only with a region import, so
the index lives in memory beside the boundary index and answers in well under a millisecond,
the same on SQLite and PostgreSQL and without a round trip to either.

How a query matches a place:

* text is folded (lower case, accents and punctuation removed), prefixes that people write
  but names lack ("jl", "jalan", "gg", "kel", "kec", ...) are dropped, and numbers lose their
  leading zeros ("RW 05" = "rw 5");
* each query word is compared with each word of the place's name and of its context (the
  kelurahan it is in): the same word scores 1, a word it begins (typing ahead, from three
  letters) 0.9, a word that shares most of its trigrams (pg_trgm's measure: shared / all
  distinct trigrams) its similarity, if at least :data:`MIN_SIMILARITY`; context words count
  a little less;
* a place must match every query word; its score is the mean of the words' best scores, a
  little higher when the query covers all of the name ("Tanah Abang" before "Tanah Abang
  Timur");
* results are ordered by score (in steps of 0.05, so near-equal spellings tie), then by
  distance to the map's centre, so that among several Jalan Sudirman the nearest comes first;
  results far below the best one (:data:`RELATIVE_FLOOR`) are left out.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from sigap.geo.streets import METRES_PER_DEGREE

MIN_SIMILARITY = 0.3
CONTEXT_WEIGHT = 0.85
PREFIX_SCORE = 0.9
LIMIT = 8
RELATIVE_FLOOR = 0.65  # a result scoring less than this share of the best one is noise
# Words people put before names that the names themselves lack.
PREFIXES = frozenset(
    [
        "jl",
        "jln",
        "jalan",
        "gg",
        "gang",
        "kel",
        "kelurahan",
        "kec",
        "kecamatan",
        "ds",
        "desa",
        "kab",
        "kabupaten",
        "kota",
        "adm",
        "administrasi",
        "stasiun",
        "halte",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")
KINDS = ("kabkota", "kecamatan", "kelurahan", "rw", "street", "station", "place")


@dataclass(frozen=True, slots=True)
class Place:
    kind: str  # one of KINDS
    name: str  # as shown: "Kebon Sirih", "RW 03", "Menteng"
    context: str  # where it is, as shown: "Kebon Sirih, Menteng"
    code: str | None  # the area's or RW's code; None for a street
    lon: float
    lat: float
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


@dataclass(frozen=True, slots=True)
class Found:
    place: Place
    score: float
    distance_m: float | None


def words(text: str) -> list[str]:
    """Folded words of a name or a query, without the prefixes people add."""
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    found = []
    for word in _WORD.findall(plain):
        if word.isdigit():
            word = word.lstrip("0") or "0"
        elif word in PREFIXES:
            continue
        found.append(word)
    return found


def trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


class PlaceIndex:
    """The places of a region and the word index over their names and contexts, as arrays: a
    query finds the places that hold a match of every word (word → places postings) and scores
    them with a few numpy operations, not a Python loop (about 0.1 ms for Jakarta's ~10,000
    places)."""

    def __init__(self, places: Sequence[Place]) -> None:
        self.places = tuple(places)
        vocabulary: dict[str, int] = {}
        named = [_ids(words(p.name), vocabulary) for p in self.places]
        context = [_ids(words(p.context), vocabulary) for p in self.places]
        self._vocabulary = vocabulary
        self._sorted = sorted(vocabulary)
        size = len(vocabulary)  # the id of "no word": scores 0, pads the rows
        self._names = _padded(named, size)
        self._contexts = _padded(context, size)
        self._name_sizes = np.array([max(len(set(n)), 1) for n in named], dtype=np.float32)
        grams = [trigrams(w) for w in vocabulary]
        self._gram_counts = np.array([len(g) for g in grams], dtype=np.float32)
        by_gram: dict[str, list[int]] = {}
        for word_id, found in enumerate(grams):
            for gram in found:
                by_gram.setdefault(gram, []).append(word_id)
        self._by_gram = {g: np.array(ids, dtype=np.int32) for g, ids in by_gram.items()}
        postings: list[list[int]] = [[] for _ in vocabulary]
        for number, (in_name, in_context) in enumerate(zip(named, context, strict=True)):
            for word_id in {*in_name, *in_context}:
                postings[word_id].append(number)
        self._postings = [np.array(p, dtype=np.int64) for p in postings]
        self._lonlat = np.array([(p.lon, p.lat) for p in self.places], dtype=float).reshape(-1, 2)
        self._name_order = np.argsort(np.argsort([p.name for p in self.places], kind="stable"))

    def __len__(self) -> int:
        return len(self.places)

    def search(
        self, query: str, near: tuple[float, float] | None = None, limit: int = LIMIT
    ) -> list[Found]:
        """The best ``limit`` places for ``query``; ``near`` is the map's (lon, lat)."""
        asked = list(dict.fromkeys(words(query)))[:6]
        if not asked or not self.places:
            return []
        similar = [self._similar(word) for word in asked]
        # Candidates: the places holding a match of every query word (in name or context).
        holding = []
        for scores in similar:
            matched = np.flatnonzero(scores[:-1])
            if not len(matched):
                return []
            holding.append(np.unique(np.concatenate([self._postings[i] for i in matched])))
        numbers = functools.reduce(np.intersect1d, sorted(holding, key=len))
        if not len(numbers):
            return []
        names, contexts = self._names[:, numbers], self._contexts[:, numbers]
        total = np.zeros(len(numbers), dtype=np.float32)
        covered = np.zeros(names.shape, dtype=bool)
        for scores in similar:
            in_name = scores[names]
            in_context = scores[contexts].max(axis=0)
            total += np.maximum(in_name.max(axis=0), CONTEXT_WEIGHT * in_context)
            covered |= in_name > 0
        coverage = covered.sum(axis=0) / self._name_sizes[numbers]
        scores = total / len(asked) * (0.9 + 0.1 * np.minimum(coverage, 1.0))
        keep = scores >= RELATIVE_FLOOR * scores.max()
        numbers, scores = numbers[keep], scores[keep]
        distances = self._distances(near, numbers)
        order = np.lexsort((self._name_order[numbers], distances, -np.round(scores * 20)))[:limit]
        return [
            Found(
                self.places[numbers[i]],
                round(float(scores[i]), 3),
                None if near is None else round(float(distances[i]), 1),
            )
            for i in order
        ]

    def _similar(self, word: str) -> np.ndarray:
        """Every vocabulary word's score against ``word`` (0 for most), plus the pad's 0."""
        scores = np.zeros(len(self._vocabulary) + 1, dtype=np.float32)
        if word.isdigit():  # RW 3 is not RW 30
            exact = self._vocabulary.get(word)
            if exact is not None:
                scores[exact] = 1.0
            return scores
        if len(word) >= 3:
            grams = trigrams(word)
            postings = [self._by_gram[g] for g in grams if g in self._by_gram]
            if postings:
                shared = np.bincount(np.concatenate(postings), minlength=len(self._vocabulary))
                similarity = shared / (len(grams) + self._gram_counts - shared)
                scores[:-1] = np.where(similarity >= MIN_SIMILARITY, similarity, 0.0)
            start = bisect.bisect_left(self._sorted, word)
            for other in self._sorted[start : start + 200]:
                if not other.startswith(word):
                    break
                word_id = self._vocabulary[other]
                scores[word_id] = max(scores[word_id], PREFIX_SCORE)
        exact = self._vocabulary.get(word)
        if exact is not None:
            scores[exact] = 1.0
        return scores

    def _distances(self, near: tuple[float, float] | None, numbers: np.ndarray) -> np.ndarray:
        if near is None:
            return np.zeros(len(numbers))
        points = self._lonlat[numbers]
        dx = (points[:, 0] - near[0]) * math.cos(math.radians(near[1]))
        dy = points[:, 1] - near[1]
        distances: np.ndarray = np.hypot(dx, dy) * METRES_PER_DEGREE
        return distances


def _ids(found: Iterable[str], vocabulary: dict[str, int]) -> tuple[int, ...]:
    return tuple(vocabulary.setdefault(word, len(vocabulary)) for word in found)


def _padded(rows: list[tuple[int, ...]], pad: int) -> np.ndarray:
    """Word ids as a (word position, place) table: a maximum over the first axis is a few
    element-wise maxima of long rows, much faster than over short rows of the other layout."""
    width = max((len(r) for r in rows), default=0) or 1
    table = np.full((width, len(rows)), pad, dtype=np.int32)
    for number, row in enumerate(rows):
        table[: len(row), number] = row
    return table


def bbox_of(geometry: shapely.Geometry) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (round(float(v), 5) for v in shapely.bounds(geometry))
    return (x0, y0, x1, y1)
