"""The group's member table and how each member kind tells its own end, as pure logic:
no broker, no consumer; time is passed in."""

from __future__ import annotations

import signal
import time
from dataclasses import replace

import pytest

from messaging.core.config import Settings
from messaging.core.events import CRASHED, OUTSIDE, REMOTE, STOPPED, GroupChange
from messaging.core.reasons import exited, killed, left_group, left_out, silent
from messaging.group.errors import FleetFull
from messaging.group.members import (
    LEFT_OUT_SILENT_S,
    OUTSIDE_GONE_S,
    SILENT_AFTER_S,
    Member,
    OutsideMember,
    ProcessMember,
    RemoteMember,
)
from messaging.group.outsiders import Outsiders
from messaging.group.presenter import Presenter
from messaging.group.roster import MAX_GONE, Roster

GROUP = Settings().group


class FakeChild:
    """A child process that has exited with ``code`` (None: still running)."""

    def __init__(self, code: int | None) -> None:
        self.code = code

    def poll(self) -> int | None:
        return self.code


def roster(published: list[object] | None = None) -> Roster:
    return Roster(Settings(), (published if published is not None else []).append)


def remote(r: Roster, consumer_id: int, **kw: object) -> RemoteMember:
    snap = replace(r.identity(consumer_id, REMOTE, 0, 0.0), **{"state": "active", **kw})
    return RemoteMember(snap, control=None)  # type: ignore[arg-type]  # never driven here


def test_the_oldest_dead_members_are_forgotten_and_announced_and_their_reports_known() -> None:
    published: list[object] = []
    r = roster(published)
    dead = [
        r.enlist(lambda consumer_id: remote(r, consumer_id, state=STOPPED))[0]
        for _ in range(MAX_GONE + 2)
    ]
    assert [m.id for m in r.members()] == [m.id for m in dead[2:]]
    removed = [e.consumer_id for e in published if isinstance(e, GroupChange)]
    assert removed == [dead[0].id, dead[1].id]
    assert r.was_forgotten(dead[0].snapshot.uid) and r.find(dead[0].snapshot.uid) is None


def test_a_known_uid_is_not_enlisted_twice_and_a_refusal_costs_no_id() -> None:
    r = roster()
    first, created = r.enlist(lambda consumer_id: remote(r, consumer_id), uid=None)
    again, created_again = r.enlist(
        lambda consumer_id: remote(r, consumer_id), uid=first.snapshot.uid
    )
    assert created and not created_again and again is first

    def full() -> None:
        raise FleetFull("no room")

    with pytest.raises(FleetFull):
        r.enlist(lambda consumer_id: remote(r, consumer_id), admit=full)
    assert r.enlist(lambda consumer_id: remote(r, consumer_id))[0].id == first.id + 1


def test_a_remote_is_crashed_by_its_silence_and_a_child_by_its_exit_status() -> None:
    r = roster()
    member = remote(r, 1)
    now = member.last_seen
    assert member.ended_unseen(now + SILENT_AFTER_S - 0.1) is None
    assert member.ended_unseen(now + SILENT_AFTER_S + 0.1) == (CRASHED, silent(SILENT_AFTER_S))

    snap = r.identity(2, "process", 0, 0.0)
    assert ProcessMember(snap, None, FakeChild(None)).ended_unseen(now) is None  # type: ignore[arg-type]
    killed9 = ProcessMember(snap, None, FakeChild(-signal.SIGKILL))  # type: ignore[arg-type]
    assert killed9.ended_unseen(now) == (CRASHED, killed(signal.SIGKILL))
    clean = ProcessMember(snap, None, FakeChild(0))  # type: ignore[arg-type]
    assert clean.ended_unseen(now) == (STOPPED, exited(0))
    asked = ProcessMember(snap, None, FakeChild(-signal.SIGTERM))  # type: ignore[arg-type]
    asked.stopping = True
    assert asked.ended_unseen(now) == (STOPPED, killed(signal.SIGTERM))


def test_a_remote_left_out_of_a_newer_generation_is_crashed_once_it_missed_a_heartbeat() -> None:
    member = remote(roster(), 1, member_id="m1", generation=4)
    now = member.last_seen + LEFT_OUT_SILENT_S + 0.1
    assert member.left_out({"m2"}, 5, now) == (CRASHED, left_out(5))
    assert member.left_out({"m2"}, 4, now) is None  # its own generation: not newer
    assert member.left_out({"m1", "m2"}, 5, now) is None
    assert member.left_out({"m2"}, 5, member.last_seen) is None  # it reported just now


def test_an_outside_member_leaves_once_unlisted_and_counts_what_it_consumed() -> None:
    r = roster()
    snap = replace(r.identity(1, OUTSIDE, 0, 0.0), uid="x-1", member_id="x-1", state="active")
    member = OutsideMember(snap)
    later = member.last_seen + OUTSIDE_GONE_S + 0.1
    assert member.unlisted({"x-1"}, later) is None
    assert member.unlisted(set(), member.last_seen) is None
    assert member.unlisted(set(), later) == (STOPPED, left_group())
    assert not member.reports_as("x-1", GROUP)
    assert member.consumed(3).processed == 3


def test_members_that_report_are_told_from_outside_ones_by_their_member_id() -> None:
    r = roster()
    presenter = Presenter(Settings(), r, [].append)
    mine = r.enlist(lambda consumer_id: remote(r, consumer_id))[0]
    outsiders = Outsiders(r, presenter)
    assert outsiders.reports(f"{GROUP}-{mine.snapshot.uid}-abc")
    assert not outsiders.reports("console-consumer-1-abc")  # not the group's prefix
    assert outsiders.reports(f"{GROUP}-unknown-abc")  # the group's prefix: a grace to report
    sighted = outsiders.sighted("console-consumer-1-abc", "console-consumer-1")
    assert isinstance(sighted, Member) and sighted.snapshot.kind == OUTSIDE
    assert outsiders.sighted("console-consumer-1-abc", "") is sighted
    assert time.monotonic() - sighted.last_seen < 5
