"""HoleGuard: a reader hands out every record once, in order, and waits at a hole.

A pure unit test of the logic (records and clock are stand-ins); the chaos test drives
it on the real broker, where tansu made such holes (see messaging/broker/positions.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kafka import TopicPartition

from messaging.broker.positions import HoleGuard

TP = TopicPartition("mi-topico.activity", 0)


@dataclass(frozen=True)
class Rec:
    offset: int


def recs(*offsets: int) -> list[Rec]:
    return [Rec(o) for o in offsets]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def offsets(records: list[Rec]) -> list[int]:
    return [r.offset for r in records]


def test_records_in_order_pass_and_the_first_may_start_anywhere():
    guard = HoleGuard()
    assert guard.admit(TP, recs(40, 41, 42)) == (recs(40, 41, 42), None)
    assert guard.admit(TP, recs(43)) == (recs(43), None)


def test_a_hole_sends_the_reader_back_and_nothing_is_handled_twice():
    guard = HoleGuard()
    guard.admit(TP, recs(1104, 1105))
    # 1106 was given to another producer's request but is not visible yet.
    fresh, hole = guard.admit(TP, recs(1107, 1108))
    assert (offsets(fresh), hole) == ([], 1106)
    fresh, hole = guard.admit(TP, recs(1106, 1107, 1108, 1109))  # read again from 1106
    assert (offsets(fresh), hole) == ([1106, 1107, 1108, 1109], None)
    assert offsets(guard.admit(TP, recs(1108, 1109, 1110))[0]) == [1110]


def test_records_before_a_hole_are_handled_at_once():
    guard = HoleGuard()
    guard.admit(TP, recs(9))
    fresh, hole = guard.admit(TP, recs(10, 11, 13, 14))
    assert (offsets(fresh), hole) == ([10, 11], 12)


def test_a_hole_that_never_fills_is_read_past_after_the_wait(caplog):
    clock = Clock()
    guard = HoleGuard(wait_s=2.0, clock=clock)
    guard.admit(TP, recs(5))
    assert guard.admit(TP, recs(7)) == ([], 6)
    clock.now += 1.9
    assert guard.admit(TP, recs(7)) == ([], 6)
    clock.now += 0.2
    with caplog.at_level(logging.WARNING, logger="messaging.broker.positions"):
        assert guard.admit(TP, recs(7, 8)) == (recs(7, 8), None)
    assert "offset 6 never became readable" in caplog.text
    assert guard.admit(TP, recs(10)) == ([], 9)  # the next hole waits again, from its start
    clock.now += 1.0
    assert guard.admit(TP, recs(10)) == ([], 9)


def test_forget_takes_the_next_record_wherever_it_starts():
    guard = HoleGuard()
    guard.admit(TP, recs(500, 501))
    guard.forget(TP)  # the log came back empty: read from its start
    assert guard.admit(TP, recs(0, 1)) == (recs(0, 1), None)


def test_partitions_are_guarded_apart():
    guard = HoleGuard()
    other = TopicPartition(TP.topic, 1)
    guard.admit(TP, recs(3))
    guard.admit(other, recs(80))
    assert guard.admit(other, recs(81)) == (recs(81), None)
    assert guard.admit(TP, recs(5)) == ([], 4)
