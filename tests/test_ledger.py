"""Pure unit tests of the ledger's bookkeeping (no broker needed for pure logic)."""

from __future__ import annotations

from dataclasses import replace

from messaging.audit.ledger import Ledger
from messaging.core.events import FAILED, PROCESSED, PROCESSING, Delivery, SentMessage


def delivery(
    mid: str,
    consumer: str,
    status: str,
    *,
    attempt: int = 1,
    redelivered: bool = False,
    offset: int = 0,
) -> Delivery:
    return Delivery(mid, int(consumer[1:]), consumer, None, 0, offset, attempt, redelivered, status)


def test_redelivered_and_duplicate_counts():
    ledger = Ledger()
    ledger.record_sent(SentMessage("a", None, {}, "t", 0, 0))
    _, starts = ledger.record_delivery(delivery("a", "C1", PROCESSING))
    assert starts
    first, starts = ledger.record_delivery(delivery("a", "C1", PROCESSED))
    assert not first.redelivered and not starts  # the same attempt, now finished
    # The consumer cannot know it is a redelivery; the ledger, which saw C1 start, does.
    again, starts = ledger.record_delivery(delivery("a", "C2", PROCESSED))
    assert again.redelivered and starts

    totals = ledger.totals()
    assert totals["processed"] == 2 and totals["duplicates"] == 1 and totals["redelivered"] == 1
    assert ledger.per_consumer() == {"C1": 1, "C2": 1}
    assert [d.status for d in ledger.get("a").deliveries] == [PROCESSED, PROCESSED]


def test_retries_count_as_failed_attempts_not_redeliveries():
    ledger = Ledger()
    ledger.record_delivery(delivery("a", "C1", FAILED, attempt=1))
    retry, _ = ledger.record_delivery(delivery("a", "C1", PROCESSED, attempt=2))
    assert not retry.redelivered
    totals = ledger.totals()
    assert totals["failed_attempts"] == 1 and totals["redelivered"] == 0
    assert ledger.get("a").status == PROCESSED


def test_capacity_keeps_newest_but_totals_stay_exact():
    ledger = Ledger(capacity=10)
    for i in range(25):
        ledger.record_sent(SentMessage(f"m{i}", None, {}, "t", 0, i))
    assert ledger.get("m0") is None and ledger.get("m24") is not None
    assert [r.message_id for r in ledger.newest(3)] == ["m24", "m23", "m22"]
    assert len(ledger.newest(100)) == 10
    assert ledger.totals()["sent"] == 25


def test_consumer_seen_before_producer_ack_is_one_message():
    ledger = Ledger()
    ledger.record_delivery(delivery("x", "C1", PROCESSED, offset=5))
    ledger.record_sent(SentMessage("x", "k", {"id": 1}, "t", 0, 5))
    record = ledger.get("x")
    assert record.key == "k" and record.status == PROCESSED and len(ledger.newest()) == 1


def test_newest_first_follows_send_order_even_when_a_consumer_reported_first():
    ledger = Ledger()
    ledger.record_delivery(delivery("b", "C1", PROCESSED, offset=1))  # b was fast
    ledger.record_sent(SentMessage("a", None, {}, "t", 0, 0))
    ledger.record_sent(SentMessage("b", None, {}, "t", 0, 1))
    assert [r.message_id for r in ledger.newest(2)] == ["b", "a"]


def test_a_position_reused_after_an_empty_broker_restart_is_a_new_message():
    """tansu keeps memory only: after a restart, offset 0 of a partition is another record."""
    ledger = Ledger()
    ledger.record_sent(SentMessage("old", None, {"id": 1}, "t", 0, 0))
    ledger.record_delivery(replace(delivery("old", "C1", PROCESSED), topic="t"))
    ledger.record_sent(SentMessage("new", None, {"id": 2}, "t", 0, 0))
    fresh, starts = ledger.record_delivery(replace(delivery("new", "C1", PROCESSED), topic="t"))
    assert starts and not fresh.redelivered
    assert ledger.get("new").status == PROCESSED and ledger.get("old").processed_times == 1
    assert ledger.totals()["duplicates"] == 0


def test_every_consumed_message_is_counted_by_where_it_came_from():
    """sent + unacknowledged + elsewhere = the distinct messages consumers got, whatever
    order the acknowledgement, the 503 and the consumer's report arrive in."""
    ledger = Ledger()
    ledger.issuing("ab12-")
    ledger.record_sent(SentMessage("ab12-1", None, {}, "t", 0, 0))
    ledger.record_delivery(delivery("ab12-1", "C1", PROCESSED))
    ledger.record_delivery(delivery("p0@1", "C1", PROCESSED, offset=1))  # no id header
    ledger.record_delivery(delivery("ffff-9", "C1", PROCESSED, offset=2))  # another app run
    ledger.record_unacknowledged(["ab12-2", "ab12-3"])  # answered 503 ...
    ledger.record_delivery(delivery("ab12-2", "C1", PROCESSED, offset=3))  # ... one was written
    ledger.record_delivery(delivery("ab12-4", "C1", PROCESSED, offset=4))  # reported first
    ledger.record_unacknowledged(["ab12-4"])

    totals = ledger.totals()
    assert (totals["sent"], totals["unacknowledged"], totals["elsewhere"]) == (1, 2, 2)
    assert (
        totals["processed"] == 5 == sum(totals[k] for k in ("sent", "unacknowledged", "elsewhere"))
    )
    origins = {r.message_id: r.origin for r in ledger.newest()}
    assert origins == {
        "ab12-1": "app",
        "p0@1": "elsewhere",
        "ffff-9": "elsewhere",
        "ab12-2": "unacknowledged",
        "ab12-4": "unacknowledged",
    }
    assert ledger.get("ab12-3") is None, "a 503 no consumer saw is not a message"
