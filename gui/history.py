"""The one-line story of a message: where it went and what happened on the way.

"sent → p2@41 → C2 crashed before commit → redelivered to C3 → processed" is the
point-to-point channel in one sentence, so it is built from the ledger's record
(the source of truth) plus what the window saw first (the ledger folds an in-flight
attempt that a crash interrupted into the next one).
"""

from __future__ import annotations

from collections.abc import Mapping

from gui.core_text import core_text
from gui.translation import QT_TRANSLATE_NOOP, state_word, translate
from messaging.audit import MessageRecord
from messaging.core.events import DEAD_LETTERED, FAILED, PROCESSED, PROCESSING, Delivery

_FATE = {
    "crashed": QT_TRANSLATE_NOOP("History", "{consumer} crashed before commit"),
    "stopped": QT_TRANSLATE_NOOP("History", "{consumer} stopped before commit"),
}


def story(record: MessageRecord, first_consumer: str = "", states: Mapping[str, str] = ()) -> str:
    """Steps joined by arrows; ``states`` maps consumer name -> its current state.

    With several groups (publish-subscribe) each group's steps are told on their own.
    """
    states = dict(states)
    head = [translate("History", "sent"), f"p{record.partition}@{record.offset}"]
    groups = list(dict.fromkeys(d.group for d in record.deliveries))
    if len(groups) <= 1:
        told = " → ".join(head + _steps(list(record.deliveries), first_consumer, states))
    else:
        unnamed = translate("History", "group")  # not inside an f-string: lupdate skips those
        parts = [
            f"{group or unnamed}: "
            + " → ".join(_steps([d for d in record.deliveries if d.group == group], "", states))
            for group in groups
        ]
        told = " → ".join(head) + " → " + " · ".join(parts)
    return f"{told}  ↯ {core_text(record.out_of_order)}" if record.out_of_order else told


def _steps(deliveries: list[Delivery], first_consumer: str, states: dict[str, str]) -> list[str]:
    steps: list[str] = []
    previous = ""
    folded = deliveries and deliveries[0].redelivered
    if folded and first_consumer not in ("", deliveries[0].consumer):
        previous = first_consumer  # its attempt was folded away by the redelivery
    for d in deliveries:
        if d.redelivered and d.attempt == 1 and d.consumer != previous:
            steps.append(_lost_by(previous, states))
            steps.append(
                translate("History", "redelivered to {consumer}").format(consumer=d.consumer)
            )
        elif not previous or d.consumer != previous:
            steps.append(d.consumer)
        steps.append(_outcome(d))
        previous = d.consumer
    return steps


def _lost_by(previous: str, states: dict[str, str]) -> str:
    if not previous:
        return translate("History", "an earlier consumer did not commit")
    fate = _FATE.get(states.get(previous, ""))
    text = (
        translate("History", fate)
        if fate
        else translate("History", "{consumer} lost its partition before commit")
    )
    return text.format(consumer=previous)


def _outcome(d: Delivery) -> str:
    if d.status == PROCESSING:
        if d.attempt > 1:
            return translate("History", "processing (attempt {n})").format(n=d.attempt)
        return translate("History", "processing")
    if d.status == PROCESSED:
        if d.attempt == 1:
            return translate("History", "processed")
        return translate("History", "processed on attempt {n}").format(n=d.attempt)
    if d.status == FAILED:
        error = d.error or translate("History", "error")
        return translate("History", "failed ({error})").format(error=error)
    if d.status == DEAD_LETTERED:
        return translate("History", "dead-lettered")
    return state_word(d.status)
