"""The search's one statement ranks as the plain Python below does: on random products, query
words, scores (ties of the 0.05 step included) and areas, both databases give the same list as
scoring every listed product of the area in Python."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select
from tests.market.conftest import CIDENG, Market

from sigap.market import search
from sigap.models import MarketProduct, MarketWord

WORDS = ["kue", "kuen", "bolu", "bolo", "nanas", "nastar", "keju", "pandan", "ketan", "putu"]
# Thousandths that sit on and around the step's halves (0.375, 0.625) and repeat.
SCORES = [1.0, 0.9, 0.625, 0.6249, 0.375, 1 / 3, 0.3, 0.45, 0.55, 0.725]


def python_ranking(
    rows: list[Any], held: dict[int, set[str]], wanted: list[dict[str, float]], area: search.Area,
    limit: int,
) -> list[tuple[int, float]]:  # fmt: skip
    """The old ranking: each listed product of the area scored by its best match per query
    word, the list sorted by step, then distance (or newest first)."""
    count = len(wanted)
    keyed = []
    for row in rows:
        if (area.kelurahan not in (None, row.kelurahan_code)) or (
            area.kecamatan not in (None, row.kecamatan_code)
        ):
            continue
        if area.point is not None:
            away = search.spread(*area.point, row.lat, row.lon)
            if away > search.reach(area) ** 2:
                continue
        best = [
            max((search.thousandths(s) for w, s in options.items() if w in held[row.id]), default=0)
            for options in wanted
        ]
        if not all(best):
            continue
        total = sum(best)
        second = away if area.point is not None else -row.id
        third = row.id if area.point is not None else 0
        keyed.append(((-search.step(total, count), second, third), row.id, total))
    keyed.sort()
    return [(p, round(total / count / search.WHOLE, 3)) for _, p, total in keyed[:limit]]


def test_the_statement_ranks_as_python_does(market: Market) -> None:
    rng = random.Random(28)
    seller, _ = market.shop()
    for n in range(40):
        name = " ".join(rng.sample(WORDS, rng.randint(1, 3))).title()
        point = {"lat": CIDENG["lat"] + rng.uniform(-0.03, 0.03)}
        point["lon"] = CIDENG["lon"] + rng.uniform(-0.03, 0.03)
        market.product(
            seller, name=name, category="crafts", food_class="none", active=n % 9 != 0, **point
        )
    with market.database.reading() as session:
        rows = session.execute(select(MarketProduct).where(MarketProduct.active)).scalars().all()
        held: dict[int, set[str]] = {row.id: set() for row in rows}
        for word, product_id in session.execute(select(MarketWord.word, MarketWord.product_id)):
            held.setdefault(product_id, set()).add(word)
        kelurahan = sorted({r.kelurahan_code for r in rows})
        kecamatan = sorted({r.kecamatan_code for r in rows})
        compared = found = 0
        for _ in range(80):
            wanted = [
                {w: rng.choice(SCORES) for w in rng.sample(WORDS, rng.randint(1, 3))}
                for _ in range(rng.choice((1, 1, 2, 3)))
            ]
            area = rng.choice(
                [
                    search.Area(),
                    search.Area(kelurahan=rng.choice(kelurahan)),
                    search.Area(kecamatan=rng.choice(kecamatan)),
                    search.Area(
                        lat=CIDENG["lat"] + rng.uniform(-0.01, 0.01),
                        lon=CIDENG["lon"] + rng.uniform(-0.01, 0.01),
                        radius_m=rng.choice((500, 1500, 3000)),
                    ),
                ]
            )
            limit = rng.choice((1, 3, 10, 50))
            expected = python_ranking(list(rows), held, wanted, area, limit)
            assert search.ranked(session, wanted, area, limit=limit) == expected, (wanted, area)
            # The whole request, its vocabulary and (the whole region) its candidates included.
            text = " ".join(rng.sample([*WORDS, "kuee", "nanaz", "bol", "ketn"], rng.randint(1, 2)))
            asked = search.vocabulary(session, search.words(text))
            expected = python_ranking(list(rows), held, asked, area, limit)
            assert search.search(session, text, area, limit=limit) == expected, (text, area)
            compared += 1
            found += bool(expected)
        assert compared == 80
        assert found > 40  # most draws find something: the comparison is not of empty lists
