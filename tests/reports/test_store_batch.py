"""The group-commit writer's batch insert, row by row: each report, its private reporter row, its
submit event, its photos and its outbox message are stored exactly as prepared and point at one
another (one multi-row statement per table, on both engines)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sigap import models
from sigap.db import Database
from sigap.photos.service import StoredPhoto
from sigap.regions.state import load_state
from sigap.reports import service
from sigap.reports.schemas import ReportCreate

POINTS = [(-6.1754, 106.8272), (-6.2297, 106.8295), (-6.1352, 106.8133), (-6.3000, 106.8950)]


def sent(n: int, **extra: Any) -> ReportCreate:
    lat, lon = POINTS[n % len(POINTS)]
    body = {"category": "sampah", "lat": lat, "lon": lon, "description": f"Laporan ke-{n}"}
    return ReportCreate.model_validate({**body, **extra})


def photo(name: str) -> StoredPhoto:
    return StoredPhoto(f"{name}.jpg", f"{name}-t.jpg", None, 1600, 1200, "image/jpeg", None)


def test_a_mixed_batch_is_stored_row_by_row(database: Database) -> None:
    with database.reading() as session:
        state = load_state(session)
    submissions = [
        sent(0),
        sent(1, reporter={"name": "Siti", "email": "siti@example.id", "contact_visible": True}),
        sent(2, attributes={"jenis_sampah": ["plastik"]}),
        sent(3, reporter={"phone": "+62 812 3456 7890", "device_id": "hp-1"}),
    ]
    prepared = [service.prepare(state, data=data, channel="api") for data in submissions]
    prepared[2] = service.with_photos(prepared[2], [photo("a"), photo("b")])

    with database.transaction() as session:
        results = service.store_batch(session, [(p, None) for p in prepared])

    ids = [r.report["id"] for r in results]
    assert len(set(ids)) == 4
    with database.reading() as session:
        reports = {r.id: r for r in session.scalars(select(models.Report))}
        reporters = {r.report_id: r for r in session.scalars(select(models.ReportReporter))}
        events = {e.report_id: e for e in session.scalars(select(models.ReportEvent))}
        outbox = {m.payload["report_id"]: m for m in session.scalars(select(models.OutboxMessage))}
        photos = session.scalars(select(models.Photo).order_by(models.Photo.id)).all()

    for result, item in zip(results, prepared, strict=True):
        report = reports[result.report["id"]]
        assert report.description == item.report["description"]
        assert report.kelurahan_code == item.report["kelurahan_code"]
        assert report.tracking_token_hash == item.report["tracking_token_hash"]
        assert report.created_at == item.report["created_at"]
        assert report.attributes == item.report["attributes"]
        event = events[report.id]
        assert result.events[0]["id"] == event.id
        assert (event.action, event.to_status, event.data) == ("submit", "open", item.event["data"])
        message = outbox[report.id]
        assert message.topic == "report.created"
        assert message.state == "pending"
        assert message.payload["event_id"] == event.id
        assert message.payload["unit"] == item.unit_code
        # Only a reporter with an e-mail address gets the tracking link by mail.
        has_email = bool(item.reporter and item.reporter.get("email"))
        assert ("tracking_token" in message.payload) == has_email
        if has_email:
            assert message.payload["tracking_token"] == item.tracking_token

    assert set(reporters) == {ids[1], ids[3]}
    assert (reporters[ids[1]].name, reporters[ids[1]].email) == ("Siti", "siti@example.id")
    assert reporters[ids[1]].contact_visible is True
    assert (reporters[ids[3]].phone, reporters[ids[3]].device_id) == ("+62 812 3456 7890", "hp-1")
    assert reporters[ids[3]].contact_visible is False
    assert reporters[ids[3]].client_ip is None
    assert [(p.report_id, p.event_id, p.display_key) for p in photos] == [
        (ids[2], events[ids[2]].id, "a.jpg"),
        (ids[2], events[ids[2]].id, "b.jpg"),
    ]
    assert results[2].photos[0]["display_key"] == "a.jpg"
    assert events[ids[2]].data["photos"] == 2


def test_a_batch_without_reporters_stores_none(database: Database) -> None:
    with database.reading() as session:
        state = load_state(session)
    prepared = [service.prepare(state, data=sent(n), channel="open311") for n in range(3)]

    with database.transaction() as session:
        results = service.store_batch(session, [(p, None) for p in prepared])

    with database.reading() as session:
        reporters = session.scalars(select(models.ReportReporter)).all()
        channels = session.scalars(select(models.Report.channel)).all()
    assert reporters == []
    assert channels == ["open311"] * 3
    assert len({r.report["id"] for r in results}) == 3


def test_a_refused_submission_fails_alone_and_batch_mates_count(database: Database) -> None:
    """The writer checks the limits in its transaction: the third report of a device whose
    limit is two is refused even when the first two are in the same batch, and the others
    of the batch are stored."""
    import dataclasses

    from sigap.reports.limits import Limits, Refused, Source

    with database.reading() as session:
        state = load_state(session)
    limits = Limits(per_hour=2, per_address=100, same_per_day=100, same_m=50.0)
    phone = Source("api", device="hp-limit", limits=limits)
    other = Source("api", device="hp-other", limits=limits)
    items = [
        dataclasses.replace(service.prepare(state, data=sent(n), channel="api"), source=source)
        for n, source in enumerate([phone, phone, phone, other])
    ]
    with database.transaction() as session:
        results = service.store_batch(session, [(p, None) for p in items])
    refused = results[2]
    assert isinstance(refused, Refused)
    assert (refused.code, refused.params) == ("too_many_reports", {"limit": 2})
    error = refused.error()
    assert error.status == 429
    assert error.headers is not None
    assert int(error.headers["Retry-After"]) == 3600
    stored = [r for r in results if not isinstance(r, Refused)]
    assert len(stored) == 3
    with database.reading() as session:
        ids = set(session.scalars(select(models.Report.id)))
    assert {r.report["id"] for r in stored} <= ids


def test_each_verdict_is_the_submissions_own_with_rows_stored_before(database: Database) -> None:
    """The batch's check reads each submission's own rows (on PostgreSQL one statement for the
    whole batch, its values matched back by their place): stored reports of one device count
    against that device only, a submission without limits is not counted, and the identical
    report rule reads the device's reports of the day."""
    import dataclasses

    from sigap.reports.limits import Limits, Refused, Source

    with database.reading() as session:
        state = load_state(session)
    limits = Limits(per_hour=3, per_address=100, same_per_day=1, same_m=50.0)

    def item(n: int, device: str | None, category: str = "sampah") -> service.Prepared:
        data = sent(n, category=category, reporter={"device_id": device} if device else None)
        source = Source("api", device=device, limits=limits) if device else None
        return dataclasses.replace(service.prepare(state, data=data, channel="api"), source=source)

    with database.transaction() as session:  # earlier: three of "hp-full", one of "hp-same"
        service.store_batch(session, [(item(n, "hp-full"), None) for n in range(3)])
        service.store_batch(session, [(item(2, "hp-same", "banjir"), None)])
    batch = [
        item(0, None),  # no limits: passes
        item(1, "hp-fresh"),  # nothing stored: passes
        item(3, "hp-full"),  # three stored this hour: refused
        item(3, "hp-same", "jalan_rusak"),  # another category elsewhere: passes
        item(2, "hp-same", "banjir"),  # the same flood at the same point today: refused
        item(3, "hp-fresh"),  # its second: passes
    ]
    with database.transaction() as session:
        results = service.store_batch(session, [(p, None) for p in batch])
    codes = [r.code if isinstance(r, Refused) else None for r in results]
    assert codes == [None, None, "too_many_reports", None, "identical_report_limit", None]


def test_a_channel_quota_counts_the_hour_and_the_batch_exactly(database: Database) -> None:
    """The quota's read skips the channel's newest rows no verdict can reach (it sends at most
    a batch's worth): still exact, with the rows stored before and the batch's own."""
    import dataclasses

    from sigap.reports.limits import Limits, Refused, Source

    with database.reading() as session:
        state = load_state(session)
    limits = Limits(per_hour=100, per_address=100, same_per_day=100, same_m=1.0)

    def item(n: int, channel: str, quota: int) -> service.Prepared:
        prepared = service.prepare(state, data=sent(n, description=f"Kanal {n}"), channel=channel)
        return dataclasses.replace(prepared, source=Source(channel, quota=quota, limits=limits))

    def codes(batch: list[service.Prepared]) -> list[str | None]:
        with database.transaction() as session:
            results = service.store_batch(session, [(p, None) for p in batch])
        return [r.code if isinstance(r, Refused) else None for r in results]

    # quota 5: four stored, then three at once (two rows skipped in the read, two sent)
    assert codes([item(n, "kanal-a", 5) for n in range(4)]) == [None] * 4
    assert codes([item(n, "kanal-a", 5) for n in range(3)]) == [None, "too_many_reports"] * 1 + [
        "too_many_reports"
    ]
    # quota 10: two stored; three more fit (seven skipped, nothing sent: too few to refuse)
    assert codes([item(n, "kanal-b", 10) for n in range(2)]) == [None, None]
    assert codes([item(n, "kanal-b", 10) for n in range(3)]) == [None, None, None]
    # quota 5: three stored, three at once: the last one's refusal rests on the oldest row
    # the read sends (two skipped)
    assert codes([item(n, "kanal-d", 5) for n in range(3)]) == [None] * 3
    assert codes([item(n, "kanal-d", 5) for n in range(3)]) == [None, None, "too_many_reports"]
    # the batch alone: quota 2, four at once
    assert (
        codes([item(n, "kanal-c", 2) for n in range(4)]) == [None, None] + ["too_many_reports"] * 2
    )


def test_every_report_is_counted_by_its_channel_minute(database: Database) -> None:
    """The triggers count every report in ``channel_minute``, through the writer's batch or
    any other insert; the limits leave out the exact read of a channel whose count leaves room
    for the whole batch, and read it exactly once the count does not."""
    import dataclasses
    from datetime import timedelta

    from sqlalchemy import func

    from sigap.kit import utcnow
    from sigap.reports import limits
    from sigap.reports.limits import HOUR, Limits, Source, minute_of
    from sigap.rows import insert_rows

    with database.reading() as session:
        state = load_state(session)
    quota = Limits(per_hour=100, per_address=100, same_per_day=100, same_m=1.0)
    batch = []
    for n in range(3):
        prepared = service.prepare(state, data=sent(n, description=f"Menit {n}"), channel="menit")
        batch.append(dataclasses.replace(prepared, source=Source("menit", quota=4, limits=quota)))
    with database.transaction() as session:
        service.store_batch(session, [(p, None) for p in batch])
    # An insert of another path (an import, the bench's generator) two hours back is counted
    # in its own minute.
    old = utcnow() - timedelta(hours=2)
    row = {**batch[0].report, "tracking_token_hash": "lama", "created_at": old}
    with database.transaction() as session:
        insert_rows(session.connection(), service.REPORT, [row])
    minutes = models.ChannelMinute.__table__
    with database.reading() as session:
        counted = dict(
            session.execute(
                select(minutes.c.minute, func.sum(minutes.c.reports))
                .where(minutes.c.channel == "menit")
                .group_by(minutes.c.minute)
            ).all()
        )
    now = batch[0].report["created_at"]
    assert sum(v for m, v in counted.items() if m >= minute_of(now - HOUR)) == 3
    assert counted[minute_of(old)] == 1

    # The counts gate the exact read: with them gone (as if never kept), two more are taken
    # where the hour (3 + 2 > 4) would refuse the second; kept, the hour is read and it is.
    def codes(channel: str) -> list[str | None]:
        more = [
            dataclasses.replace(p, source=Source(channel, quota=4, limits=quota))
            for p in (
                service.prepare(state, data=sent(n, description=f"Lagi {n}"), channel=channel)
                for n in range(2)
            )
        ]
        with database.transaction() as session:
            results = service.store_batch(session, [(p, None) for p in more])
        return [r.code if isinstance(r, limits.Refused) else None for r in results]

    assert codes("menit") == [None, "too_many_reports"]
    with database.transaction() as session:
        session.execute(minutes.delete().where(minutes.c.channel == "menit"))
    assert codes("menit") == [None, None]
