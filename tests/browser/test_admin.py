"""An admin's console in a desktop browser: sign in, create a unit, invite an official into it,
add a routing rule, and the map tester shows the new unit for a point in Gambir.

Headless Debian chromium driven by Playwright (marker ``browser``: run once, on SQLite).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import serving
from tests.conftest import load_jakarta

from sigap.app import create_app
from sigap.config import Settings
from sigap.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
ADMIN = "admin@demo.sigap.id"
MONAS = ("-6.1754", "106.8272")


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("admin")
    url = f"sqlite:///{folder / 'sigap.db'}"
    load_jakarta(url)
    app = create_app(Settings(database_url=url, public_url="http://127.0.0.1"))
    with serving(app) as url:
        yield url


def test_an_admin_sets_up_a_unit_and_routes_to_it(
    browser: Any, console: str, artifacts: Path
) -> None:
    page = browser.new_context(viewport={"width": 1200, "height": 1100}, locale="id-ID").new_page()
    page.goto(f"{console}/admin/units")
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{console}/admin/units")

    form = page.locator("#unit-create")
    form.locator("input[name=code]").fill("upt-taman-gambir")
    form.locator("input[name=name_id]").fill("UPT Pertamanan Gambir")
    form.locator("input[name=name_en]").fill("Gambir Parks Unit")
    form.locator("select[name=kind]").select_option("agency")
    form.locator("input[name=parent_code]").fill("kec-31.71.01")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".notice[role=status]")
    assert page.locator("td", has_text="upt-taman-gambir").count() == 1

    page.click("nav >> text=Petugas")
    form = page.locator("#official-create")
    form.locator("input[name=email]").fill("kepala.taman@test.sigap.id")
    form.locator("input[name=name]").fill("Kepala UPT Taman")
    form.locator("select[name=role]").select_option("unit_head")
    form.locator("input[name=unit_code]").fill("upt-taman-gambir")
    form.locator("button[type=submit]").click()
    secret = page.locator("#secret").inner_text()
    assert secret.startswith("kepala.taman@test.sigap.id: ")
    assert len(secret) > 40

    page.click("nav >> text=Aturan rute")
    form = page.locator("#rule-add")
    form.locator("select[name=category_code]").select_option("pohon_tumbang")
    form.locator("input[name=area_code]").fill("31.71.01.1001")
    form.locator("input[name=unit_code]").fill("upt-taman-gambir")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".notice[role=status]")

    tester = page.locator("#tester")
    tester.locator("select[name=category]").select_option("pohon_tumbang")
    tester.locator("input[name=lat]").fill(MONAS[0])
    tester.locator("input[name=lon]").fill(MONAS[1])
    tester.locator("button[type=submit]").click()
    page.wait_for_selector("#tester-result")
    assert "(upt-taman-gambir)" in page.locator("#tester-result").inner_text()

    # A click on the map (its centre is the tested point) tests that point again.
    page.wait_for_function("() => document.querySelectorAll('#route-map svg path').length > 100")
    page.locator("#route-map").click()
    page.wait_for_load_state("load")
    page.wait_for_selector("#tester-result")
    page.wait_for_function("() => document.querySelectorAll('#route-map svg path').length > 100")
    assert "UPT Pertamanan Gambir" in page.locator("#tester-result").inner_text()
    assert page.locator("#route-map svg path").count() > 100  # kelurahan drawn, no tiles
    page.locator("#tester-result").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "admin-routing.png"), full_page=False)


def test_an_admin_adds_a_question_to_a_category(
    browser: Any, console: str, artifacts: Path
) -> None:
    page = browser.new_context(viewport={"width": 1200, "height": 1100}, locale="id-ID").new_page()
    page.goto(f"{console}/admin/categories")
    if page.url.startswith(f"{console}/officials/login"):
        page.fill("input[name=email]", ADMIN)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{console}/admin/categories")
    page.click("a[href^='/admin/categories/saluran_air']")
    expect_text = page.locator("h2#questions-title").inner_text()
    assert "Saluran air tersumbat" in expect_text

    form = page.locator("form[action^='/admin/categories/saluran_air/questions/add']")
    form.locator("input[name=code]").fill("penyebab")
    form.locator("select[name=datatype]").select_option("multivaluelist")
    form.locator("input[name=label_id]").fill("Apa yang menyumbat?")
    form.locator("input[name=label_en]").fill("What is blocking it?")
    form.locator("textarea[name=values]").fill("sampah=Sampah|Rubbish\nlumpur=Lumpur|Mud")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".notice[role=status]")
    assert page.locator("h3#q-penyebab").inner_text().startswith("1. Apa yang menyumbat?")
    page.screenshot(path=str(artifacts / "admin-questions.png"), full_page=True)

    service = page.request.get(f"{console}/open311/v2/services/saluran_air.json").json()
    assert [a["code"] for a in service["attributes"]] == ["penyebab"]
