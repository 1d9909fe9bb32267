"""A burst's ids and pace (messaging.clients.burst): arithmetic only, no broker."""

from __future__ import annotations

from messaging.clients.burst import CHUNK, Burst, chunk_size, counts_id, nth


def test_ids_count_up_from_the_body_and_other_bodies_stay_as_they_are() -> None:
    body = {"id": 7, "contenido": "Hola"}
    assert nth(body, 3) == {"id": 10, "contenido": "Hola"} and body["id"] == 7
    for other in ({"id": True}, {"id": "7"}, {"contenido": "x"}):
        assert not counts_id(other) and nth(other, 3) is other


def test_full_speed_sends_big_chunks_a_paced_burst_a_tenth_of_a_second_each() -> None:
    assert chunk_size(0) == CHUNK and chunk_size(100_000) == CHUNK
    assert chunk_size(200) == 20 and chunk_size(5) == 1


def test_chunks_cover_every_record_once_in_order_under_the_key() -> None:
    burst = Burst({"id": 1}, 45, "k", rate=200)  # chunks of 20
    chunks = list(burst.chunks(now=0.0))
    assert [len(c) for c in chunks] == [20, 20, 5]
    records = [item for chunk in chunks for item in chunk]
    assert records == [({"id": 1 + i}, "k") for i in range(45)]


def test_cancel_stops_before_the_next_chunk() -> None:
    burst = Burst({"id": 1}, 100, None, rate=100)  # chunks of 10
    chunks = burst.chunks(now=0.0)
    next(chunks)
    burst.acknowledged(10)
    burst.cancel()
    assert list(chunks) == [] and burst.sent == 10 and burst.next_body() == {"id": 11}


def test_the_pause_keeps_the_rate_from_the_start_and_is_never_negative() -> None:
    burst = Burst({"id": 1}, 100, None, rate=50)
    next(burst.chunks(now=100.0))
    burst.acknowledged(5)  # 5 of 50/s: due at 100.1
    assert abs(burst.pause(100.04) - 0.06) < 1e-9
    assert burst.pause(100.5) == 0.0  # late: go on at once
    fast = Burst({"id": 1}, 10, None, rate=0)
    next(fast.chunks(now=0.0))
    fast.acknowledged(10)
    assert fast.pause(0.0) == 0.0
