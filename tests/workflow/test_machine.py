"""The state machine under random action sequences (hypothesis stateful), on the real database.

A model tracks what should be true (state, unit, appeal used) independently of the code; after
every step the stored report must agree with it, its timeline must replay to its state, and its
deadlines must match its state.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from sigap import models
from sigap.auth.service import Subject, scope_of
from sigap.db import Database
from sigap.errors import SigapError
from sigap.kit import utcnow
from sigap.models.states import OPEN_STATUSES
from sigap.regions.state import RegionState
from sigap.reports import service as reports
from sigap.reports.schemas import ReportCreate
from sigap.workflow import actions, machine
from sigap.workflow.answer import acknowledge, reject
from sigap.workflow.duplicate import mark_duplicate
from sigap.workflow.forward import appeal, forward
from sigap.workflow.rating import accept, reopen
from sigap.workflow.resolve import resolve
from sigap.workflow.sweep import Swept, settle

GAMBIR = "kel-31.71.01.1001"
JAKPUS = {GAMBIR, "kec-31.71.01", "kota-31.71"}  # units the Jakarta Pusat supervisor covers
UNITS = [GAMBIR, "kec-31.71.01", "kota-31.71", "bina-marga"]
ROLES = ["field_officer", "unit_head", "supervisor", "admin", "reporter"]
PHOTO = {"id": 0, "url": "/media/test.webp"}  # an after-photo as the photo intake returns it


def official(state: RegionState, role: str) -> actions.Actor:
    home = {"supervisor": "kota-31.71", "admin": "prov-31"}.get(role, GAMBIR)
    unit_id = state.units_by_code[home].id
    subject = Subject(
        account_id=1, name=role, email=f"{role}@test", role=role, unit_id=unit_id,
        language="id", scope=scope_of(state, role, unit_id), session_hash="x",
    )  # fmt: skip
    return actions.Actor.official(subject)


def resolve_directly(client: TestClient, db: Database, report_id: int) -> None:
    """Resolve as the admin with an after-photo (for tests about what follows a fix)."""
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    with db.transaction() as session:
        resolve(
            session, state, official(state, "admin"), report_id, note="Sudah dibersihkan.",
            options=actions.Options(photos=[PHOTO]),
        )  # fmt: skip


class Workflow(RuleBasedStateMachine):
    def __init__(self, db: Database, state: RegionState) -> None:
        super().__init__()
        self.db, self.state = db, state
        self.now = utcnow()
        data = ReportCreate(category="sampah", lat=-6.1754, lon=106.8272, description="Sampah.")
        with db.transaction() as session:
            created = reports.submit(session, state, data=data, channel="api", received_at=self.now)
            parent = reports.submit(session, state, data=data, channel="api", received_at=self.now)
        self.id, self.parent_id = created.report["id"], parent.report["id"]
        self.status, self.unit, self.appealed = "open", GAMBIR, False
        self.just_swept = False

    # -- the model's expectations ------------------------------------------------------------

    def visible(self, role: str) -> bool:
        if role in ("admin", "reporter"):
            return True
        return self.unit in JAKPUS if role == "supervisor" else self.unit == GAMBIR

    def legal(self, action: str, role: str) -> bool:
        rule_ = machine.TRANSITIONS.get((self.status, action))
        return rule_ is not None and role in rule_.actors

    def attempt(self, action: str, role: str, call: Any, *, valid: bool = True) -> bool:
        actor = actions.REPORTER if role == "reporter" else official(self.state, role)
        options = actions.Options(now=self.now, photos=[PHOTO])
        refused: SigapError | None = None
        try:
            with self.db.transaction() as session:
                call(session, actor, options)
        except SigapError as error:
            refused = error
        succeeds = self.visible(role) and self.legal(action, role) and valid
        if refused is None:
            assert succeeds, (action, role)
            self.just_swept = False
            return True
        assert (refused.status, action, role) == (self.refusal(action, role), action, role)
        return False

    def refusal(self, action: str, role: str) -> int:
        """The status a refused action must get: hidden, then illegal, then bad input."""
        if not self.visible(role):
            return 404
        if not self.legal(action, role) or (action == "appeal" and self.appealed):
            return 409
        return 422

    # -- rules -------------------------------------------------------------------------------

    @rule(role=st.sampled_from(ROLES))
    def acknowledge(self, role: str) -> None:
        if self.attempt("acknowledge", role, lambda s, a, o: acknowledge(
            s, self.state, a, self.id, note=None, options=o
        )):  # fmt: skip
            self.status = "in_progress"

    @rule(
        role=st.sampled_from(ROLES),
        unit=st.sampled_from(UNITS),
        reason=st.sampled_from(["", "Bukan wewenang."]),
    )
    def forward(self, role: str, unit: str, reason: str) -> None:
        valid = unit != self.unit and reason != ""
        if self.attempt("forward", role, lambda s, a, o: forward(
            s, self.state, a, self.id, unit_code=unit, reason=reason, out_of_authority=True,
            options=o,
        ), valid=valid):  # fmt: skip
            self.status, self.unit = "open", unit

    @rule(role=st.sampled_from(ROLES))
    def resolve(self, role: str) -> None:
        if self.attempt("resolve", role, lambda s, a, o: resolve(
            s, self.state, a, self.id, note="Selesai.", options=o
        )):  # fmt: skip
            self.status = "resolved"

    @rule(role=st.sampled_from(ROLES), reason=st.sampled_from(["spam", "nonsense"]))
    def reject(self, role: str, reason: str) -> None:
        if self.attempt("reject", role, lambda s, a, o: reject(
            s, self.state, a, self.id, reason=reason, note=None, options=o
        ), valid=reason == "spam"):  # fmt: skip
            self.status = "rejected"

    @rule(role=st.sampled_from(ROLES))
    def mark_duplicate(self, role: str) -> None:
        if self.attempt("mark_duplicate", role, lambda s, a, o: mark_duplicate(
            s, self.state, a, self.id, parent_id=self.parent_id, note=None, options=o
        )):  # fmt: skip
            self.status = "duplicate"

    @rule(role=st.sampled_from(ROLES), rating=st.sampled_from([None, 1]))
    def reopen(self, role: str, rating: int | None) -> None:
        if self.attempt("reopen", role, lambda s, a, o: reopen(
            s, self.state, a, self.id, reason="Belum beres.", rating=rating, options=o
        )):  # fmt: skip
            self.status = "in_progress"

    @rule(rating=st.integers(3, 5))
    def accept(self, rating: int) -> None:
        if self.attempt("accept", "reporter", lambda s, a, o: accept(
            s, self.state, a, self.id, rating=rating, comment=None, options=o
        )):  # fmt: skip
            self.status = "closed"

    @rule()
    def appeal(self) -> None:
        if self.attempt("appeal", "reporter", lambda s, a, o: appeal(
            s, self.state, a, self.id, reason="Tolong ditinjau.", options=o
        ), valid=not self.appealed):  # fmt: skip
            above = self.state.unit_ancestors(self.state.units_by_code[self.unit].id)
            self.status, self.appealed = "open", True
            self.unit = self.state.units[above[0]].code if above else self.unit

    @rule(hours=st.sampled_from([1, 23, 30, 200]))
    def time_passes(self, hours: int) -> None:
        """The clock moves on and the sweep does whatever has come due (never a state change
        except closing an unrated fix)."""
        self.now += timedelta(hours=hours)
        with self.db.transaction() as session:
            report = session.get_one(models.Report, self.id)
            before, level = report.status, report.escalation_level
            settle(session, self.state, report, self.now, actions.Options(now=self.now), Swept())
            # However late the sweep, a missed deadline climbs one level, at this moment.
            assert report.escalation_level - level in ((0, 1) if before in OPEN_STATUSES else (0,))
            if report.escalation_level > level:
                assert report.escalated_at == self.now
            if before == "resolved" and report.status == "closed":
                self.status = "closed"
        self.just_swept = True

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def stored_report_agrees_with_the_model(self) -> None:
        with self.db.reading() as session:
            report = session.get_one(models.Report, self.id)
            events = session.execute(
                select(models.ReportEvent.__table__).where(models.ReportEvent.report_id == self.id)
                .order_by(models.ReportEvent.id)
            ).mappings().all()  # fmt: skip
        assert report.status == self.status
        assert self.state.units[report.unit_id].code == self.unit
        assert machine.replay(events) == report.status
        expected_due = {"open": report.response_due_at, "in_progress": report.resolution_due_at}
        assert report.due_at == expected_due.get(report.status)
        assert report.response_due_at < report.resolution_due_at
        assert (report.resolved_at is not None) >= (report.status == "resolved")
        assert (report.closed_at is not None) == (report.status == "closed")
        if report.status not in OPEN_STATUSES:
            assert report.escalation_unit_id is None
        assert (report.escalated_at is None) == (report.escalation_unit_id is None)
        climbable = len(self.state.unit_ancestors(report.unit_id))
        assert 0 <= report.escalation_level <= climbable
        if report.status in ("rejected", "duplicate", "closed"):
            assert report.next_check_at is None
        if self.just_swept and report.next_check_at is not None:
            # A sweep leaves nothing due; an action may (a deadline already past is due at once).
            assert report.next_check_at > self.now


@pytest.mark.slow
def test_random_action_sequences_keep_the_invariants(client: TestClient, db: Database) -> None:
    state: RegionState = client.app.state.region  # type: ignore[attr-defined]
    run_state_machine_as_test(
        lambda: Workflow(db, state),
        settings=settings(
            max_examples=100,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
