"""A citizen reports a broken escalator at an MRT station on a phone: the route picker lists
the network's routes, choosing the MRT fills the stop picker with its stations, and the report
lands with the MRT's unit naming the route and the station."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select
from tests.transit.feeds import CREDITS, import_feeds, jakarta

from sigap.models import Report, Unit

from .conftest import Live
from .test_citizen_app import phone, shot

pytestmark = pytest.mark.browser


def test_citizen_picks_the_route_and_station(browser: Browser, live: Live) -> None:
    import_feeds(live.database.url, *jakarta(), credits=CREDITS)
    page = phone(browser).new_page()
    page.goto(f"{live.url}/app/new")

    page.click("label.category:has(input[value=angkutan_umum])")
    route = page.get_by_label("Rute atau lin")
    # The served app's first routes list may wait for its network to be built (loaded machine).
    expect(route.locator("option[value='mrt:MRTJ_NS']")).to_have_count(1, timeout=20_000)
    stop = page.get_by_label("Halte atau stasiun")
    expect(stop.locator("option")).to_have_count(1)  # "Pilih rutenya dulu"
    route.select_option("mrt:MRTJ_NS")
    expect(stop.locator("option[value='mrt:SBHI']")).to_have_count(1)
    stop.select_option("mrt:SBHI")
    page.click("#use-gps")
    expect(page.locator("#place")).to_contain_text("Gambir")
    page.fill("#description", "Eskalator menuju peron mati sejak pagi.")
    shot(page, "transit-report")
    page.click("#submit")
    expect(page.locator("#confirmation")).to_be_visible()

    with live.database.reading() as session:
        stored = session.execute(
            select(Report.transit_route, Report.transit_stop, Unit.code)
            .join(Unit, Unit.id == Report.unit_id)
            .order_by(Report.id.desc())
        ).first()
    assert tuple(stored or ()) == ("mrt:MRTJ_NS", "mrt:SBHI", "mrt-jakarta")
