"""Merging a duplicate keeps everyone: supporters and followers move to the parent, each person
counted once, and a merged report's support and follows reach the parent; an official merges
only into a report they may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sigap.accounts.service import create
from sigap.db import Database
from sigap.demo import DEMO_PASSWORD
from sigap.models import Account, Report, ReportFollow, ReportReporter, ReportSupport

from .conftest import LURAH

Login = Callable[[str], dict[str, str]]
Submit = Callable[..., dict[str, Any]]
CIDENG = {"lat": -6.1756034, "lon": 106.8095365}  # another kelurahan of Kecamatan Gambir


def _citizens(db: Database, *names: str) -> list[str]:
    emails = [f"{name}@test.sigap.id" for name in names]
    with db.transaction() as session:
        for name, email in zip(names, emails, strict=True):
            create(session, email=email, name=name, password=DEMO_PASSWORD, role="citizen")
    return emails


def _support(client: TestClient, headers: dict[str, str], report_id: int) -> Any:
    return client.post(f"/api/v1/reports/{report_id}/support", headers=headers)


def _follow(client: TestClient, headers: dict[str, str], report_id: int) -> Any:
    return client.put(f"/api/v1/reports/{report_id}/follow", headers=headers)


def _merge(client: TestClient, login: Login, child: int, parent: int, who: str = LURAH) -> Any:
    path = f"/api/v1/officials/reports/{child}/duplicate"
    return client.post(path, json={"parent_id": parent}, headers=login(who))


def _people(db: Database, report_id: int) -> tuple[int, int, set[int]]:
    """(support_count, support rows, follower accounts) of a report."""
    with db.reading() as session:
        count = session.scalar(select(Report.support_count).where(Report.id == report_id))
        rows = session.scalar(select(func.count()).where(ReportSupport.report_id == report_id))
        followers = set(
            session.scalars(
                select(ReportFollow.account_id).where(ReportFollow.report_id == report_id)
            )
        )
    return int(count or 0), int(rows or 0), followers


def _account_ids(db: Database, emails: list[str]) -> list[int]:
    with db.reading() as session:
        found = {row.email: row.id for row in session.execute(select(Account.email, Account.id))}
    return [found[email] for email in emails]


def test_supporters_and_followers_move_each_person_once(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    parent, child = submit()["id"], submit()["id"]
    both, only_child, follower = _citizens(db, "both", "onlychild", "follower")
    for email, reports in ((both, (parent, child)), (only_child, (child,))):
        for report_id in reports:
            assert _support(client, login(email), report_id).status_code == 200
    assert _follow(client, login(both), child).status_code == 204
    assert _follow(client, login(follower), child).status_code == 204
    assert _follow(client, login(follower), parent).status_code == 204

    assert _merge(client, login, child, parent).status_code == 200

    count, rows, followers = _people(db, parent)
    # "both" once, "onlychild" moved, the child's (anonymous) reporter as one more supporter.
    assert count == 3
    assert rows == count
    assert followers == set(_account_ids(db, [both, follower]))
    assert _people(db, child) == (0, 0, set())


def test_support_and_follow_of_a_merged_report_reach_its_parent(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    parent, child = submit()["id"], submit()["id"]
    assert _merge(client, login, child, parent).status_code == 200
    (late,) = _citizens(db, "late")

    supported = _support(client, login(late), child)
    assert supported.status_code == 200, supported.text
    assert supported.json()["support_count"] == 2  # the child's reporter, then "late"
    again = _support(client, login(late), parent)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_supported"
    assert _follow(client, login(late), child).status_code == 204

    count, rows, followers = _people(db, parent)
    assert (count, rows) == (2, 2)
    assert followers == set(_account_ids(db, [late]))
    assert _people(db, child) == (0, 0, set())


def test_the_reporter_of_both_reports_adds_nothing(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    """A citizen who filed both reports (signed in to the citizen app) does not come to support
    their own report by the merge; the child's supporter moves."""
    parent, child = submit()["id"], submit()["id"]
    reporter, supporter = _citizens(db, "reporter", "supporter")
    assert _support(client, login(supporter), child).status_code == 200
    account_id, supporter_id = _account_ids(db, [reporter, supporter])
    with db.transaction() as session:  # every report has its reporter row: the account's now
        for report_id in (child, parent):
            row = session.get(ReportReporter, report_id)
            assert row is not None
            row.reporter_account_id = account_id
    assert _merge(client, login, child, parent).status_code == 200
    count, rows, _ = _people(db, parent)
    assert (count, rows) == (1, 1)  # the supporter of the child, not the reporter
    with db.reading() as session:
        supporters = session.scalars(
            select(ReportSupport.account_id).where(ReportSupport.report_id == parent)
        ).all()
    assert supporters == [supporter_id]


def test_merging_into_a_report_out_of_view_is_not_found(
    client: TestClient, login: Login, submit: Submit, db: Database
) -> None:
    mine, theirs = submit()["id"], submit(**CIDENG)["id"]
    refused = _merge(client, login, mine, theirs)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "report_not_found"
    missing = _merge(client, login, mine, 999_999)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "report_not_found"
    with db.reading() as session:
        statuses = session.execute(
            select(Report.status, Report.support_count).where(Report.id.in_([mine, theirs]))
        ).all()
    assert sorted(statuses) == [("open", 0), ("open", 0)]
