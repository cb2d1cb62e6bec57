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
RELATIVE_FLOOR = 0.6  # a result scoring less than this share of the best one is noise
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
    ]
)
_WORD = re.compile(r"[a-z0-9]+")
KINDS = ("kabkota", "kecamatan", "kelurahan", "rw", "street")


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
    """The places of a region and the word index over their names and contexts."""

    def __init__(self, places: Sequence[Place]) -> None:
        self.places = tuple(places)
        vocabulary: dict[str, int] = {}
        name_words: list[tuple[int, ...]] = []
        context_words: list[tuple[int, ...]] = []
        for place in self.places:
            name_words.append(_ids(words(place.name), vocabulary))
            context_words.append(_ids(words(place.context), vocabulary))
        self._vocabulary = vocabulary
        self._sorted = sorted(vocabulary)
        self._name_words = name_words
        self._context_words = context_words
        self._trigrams = [trigrams(w) for w in vocabulary]
        by_trigram: dict[str, list[int]] = {}
        for word_id, grams in enumerate(self._trigrams):
            for gram in grams:
                by_trigram.setdefault(gram, []).append(word_id)
        self._by_trigram = by_trigram
        postings: list[list[int]] = [[] for _ in vocabulary]
        for number, (named, context) in enumerate(zip(name_words, context_words, strict=True)):
            for word_id in {*named, *context}:
                postings[word_id].append(number)
        self._postings = postings
        self._lonlat = np.array([(p.lon, p.lat) for p in self.places], dtype=float).reshape(-1, 2)

    def __len__(self) -> int:
        return len(self.places)

    def search(
        self, query: str, near: tuple[float, float] | None = None, limit: int = LIMIT
    ) -> list[Found]:
        """The best ``limit`` places for ``query``; ``near`` is the map's (lon, lat)."""
        asked = list(dict.fromkeys(words(query)))[:6]
        if not asked:
            return []
        matches = [self._similar(word) for word in asked]
        if not all(matches):
            return []
        # Candidates: the places holding a match of the query word with the fewest places.
        driver = min(matches, key=lambda m: sum(len(self._postings[w]) for w in m))
        candidates = {n for word_id in driver for n in self._postings[word_id]}
        scored: list[tuple[int, float]] = []
        for number in candidates:
            named, context = self._name_words[number], self._context_words[number]
            total = 0.0
            covered: set[int] = set()
            for match in matches:
                in_name = max(named, key=lambda w: match.get(w, 0.0), default=-1)
                best = match.get(in_name, 0.0)
                if best > 0.0:
                    covered.add(in_name)
                in_context = max((match.get(w, 0.0) for w in context), default=0.0)
                best = max(best, CONTEXT_WEIGHT * in_context)
                if best == 0.0:
                    break
                total += best
            else:
                coverage = len(covered) / len(set(named)) if named else 0.0
                scored.append((number, total / len(matches) * (0.9 + 0.1 * coverage)))
        distances = self._distances(near, [n for n, _ in scored])
        ranked = sorted(
            zip(scored, distances, strict=True),
            key=lambda item: (-round(item[0][1] * 20), item[1], self.places[item[0][0]].name),
        )
        floor = RELATIVE_FLOOR * max((score for _, score in scored), default=0.0)
        return [
            Found(self.places[n], round(score, 3), None if near is None else round(distance, 1))
            for (n, score), distance in ranked
            if score >= floor
        ][:limit]

    def _similar(self, word: str) -> dict[int, float]:
        """Vocabulary words like ``word``, with their scores."""
        found: dict[int, float] = {}
        exact = self._vocabulary.get(word)
        if exact is not None:
            found[exact] = 1.0
        if word.isdigit():
            return found  # RW 3 is not RW 30
        if len(word) >= 3:
            start = bisect.bisect_left(self._sorted, word)
            for other in self._sorted[start : start + 200]:
                if not other.startswith(word):
                    break
                found.setdefault(self._vocabulary[other], PREFIX_SCORE)
        if len(word) >= 3:
            grams = trigrams(word)
            shared: dict[int, int] = {}
            for gram in grams:
                for word_id in self._by_trigram.get(gram, ()):
                    shared[word_id] = shared.get(word_id, 0) + 1
            for word_id, count in shared.items():
                similarity = count / (len(grams) + len(self._trigrams[word_id]) - count)
                if similarity >= MIN_SIMILARITY and similarity > found.get(word_id, 0.0):
                    found[word_id] = similarity
        return found

    def _distances(self, near: tuple[float, float] | None, numbers: list[int]) -> list[float]:
        if near is None or not numbers:
            return [0.0] * len(numbers)
        points = self._lonlat[numbers]
        scale = math.cos(math.radians(near[1]))
        dx = (points[:, 0] - near[0]) * scale
        dy = points[:, 1] - near[1]
        return list(np.hypot(dx, dy) * METRES_PER_DEGREE)


def _ids(found: Iterable[str], vocabulary: dict[str, int]) -> tuple[int, ...]:
    return tuple(vocabulary.setdefault(word, len(vocabulary)) for word in found)


def bbox_of(geometry: shapely.Geometry) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (round(float(v), 5) for v in shapely.bounds(geometry))
    return (x0, y0, x1, y1)
