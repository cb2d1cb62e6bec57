"""The official's report page shows the reporter's answers to the category's questions, free
text included (marked as for officials only), which the public report never shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from tests.officials.test_pages import sign_in
from tests.workflow.conftest import ADMIN, LURAH

Submit = Callable[..., dict[str, Any]]


def test_the_official_reads_every_answer(client: TestClient, submit: Submit) -> None:
    garbage = submit(attributes={"jenis_sampah": ["plastik", "b3"]})
    crime = submit(
        category="tindak_kriminal",
        description="Penjambretan di depan halte.",
        attributes={"ciri_pelaku": "Jaket hijau, motor tanpa pelat"},
    )

    sign_in(client, LURAH)
    page = client.get(f"/officials/reports/{garbage['id']}").text
    assert '<h2 id="answers-title">Jawaban pelapor</h2>' in page
    assert "<dt>Jenis sampah</dt>" in page
    assert "<dd>Plastik, Limbah berbahaya (B3)</dd>" in page
    english = client.get(f"/officials/reports/{garbage['id']}?lang=en").text
    client.cookies.delete("sigap_lang")  # the English chosen is remembered
    assert "<dd>Plastic, Hazardous waste</dd>" in english

    sign_in(client, ADMIN)
    page = client.get(f"/officials/reports/{crime['id']}").text
    assert "<dt>Ciri-ciri pelaku atau kendaraannya</dt>" in page
    assert "Jaket hijau, motor tanpa pelat" in page
    assert '<span class="tag">hanya petugas</span>' in page
    assert "Jaket hijau" not in client.get(f"/api/v1/reports/{crime['id']}").text
    plain = client.get(f"/officials/reports/{submit(category='kemacetan')['id']}").text
    assert 'id="answers"' not in plain
