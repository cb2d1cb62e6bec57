"""Channel keys: slugs, rotation under one channel, revocation, authentication."""

from __future__ import annotations

import pytest

from sigap.channels import service
from sigap.db import Database
from sigap.errors import SigapError


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("LAPOR!", "lapor"),
        ("WhatsApp bot", "whatsapp-bot"),
        ("Qlue — Jakarta Kini", "qlue-jakarta-kini"),
        ("Aplikasi Warga Kecamatan Gambir", "aplikasi-warga-kecam"),
        ("Sémaphore", "semaphore"),
    ],
)
def test_slugs_fit_the_report_channel_column(name: str, slug: str) -> None:
    assert service.slugify(name) == slug


def test_keys_rotate_under_one_channel(database: Database) -> None:
    with database.transaction() as session:
        first, old_key = service.create(session, name="LAPOR!")
        second, new_key = service.create(session, name="  LAPOR! ")
        assert (first.slug, second.slug) == ("lapor", "lapor")
        assert old_key != new_key
        assert first.key_hash != old_key
        service.revoke(session, key_prefix_or_id=first.key_prefix)

    with database.reading() as session:
        assert service.authenticate(session, new_key).slug == "lapor"
        with pytest.raises(SigapError) as revoked:
            service.authenticate(session, old_key)
        with pytest.raises(SigapError) as missing:
            service.authenticate(session, "")
    assert (revoked.value.code, revoked.value.status) == ("invalid_api_key", 403)
    assert (missing.value.code, missing.value.status) == ("missing_api_key", 403)


def test_a_key_is_revoked_by_id_prefix_or_the_key_itself(database: Database) -> None:
    with database.transaction() as session:
        made = [service.create(session, name=f"Bot {n}") for n in range(3)]
        by_id = service.revoke(session, key_prefix_or_id=str(made[0][0].id))
        by_prefix = service.revoke(session, key_prefix_or_id=made[1][0].key_prefix)
        by_key = service.revoke(session, key_prefix_or_id=made[2][1])

    assert [c.slug for c in (by_id, by_prefix, by_key)] == ["bot-0", "bot-1", "bot-2"]
    assert all(c.revoked_at is not None for c in (by_id, by_prefix, by_key))


@pytest.mark.parametrize(
    ("name", "code"),
    [("!!!", "invalid_channel_name"), ("Web", "reserved_channel_name"), ("x" * 101,
     "invalid_channel_name")],
)  # fmt: skip
def test_names_that_cannot_be_channels(database: Database, name: str, code: str) -> None:
    with pytest.raises(SigapError) as refused, database.transaction() as session:
        service.create(session, name=name)

    assert refused.value.code == code


def test_revoking_an_unknown_key_says_where_to_look(database: Database) -> None:
    with pytest.raises(SigapError) as refused, database.transaction() as session:
        service.revoke(session, key_prefix_or_id="sgp_nothing")

    assert refused.value.code == "channel_key_not_found"
    assert "sigap channel list" in refused.value.message("en")
