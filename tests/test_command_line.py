"""The command line the app gives its consumer processes is the one they read: no Kafka."""

from __future__ import annotations

import argparse

from messaging.consumer import command_line
from messaging.consumer.cli import parse_args
from messaging.core.config import Settings
from messaging.core.events import PROCESS, ConsumerSnapshot
from messaging.flags import Option


def test_a_child_reads_back_what_the_app_wrote():
    settings = Settings(
        topic="t1", group="g1", assignor="sticky", broker_profile="tansu", channel_topic="chan"
    )
    me = ConsumerSnapshot(3, "C3", "starting", (), 0, None, 250, 0.1, uid="run-C3")
    args = parse_args(command_line.child_argv(settings, "127.0.0.1:9092", me, parent_pid=42))

    read = command_line.settings_of(args)
    assert (read.bootstrap_servers, read.topic, read.group) == ("127.0.0.1:9092", "t1", "g1")
    assert read.session_timeout_ms == settings.session_timeout_ms
    assert read.max_retries == settings.max_retries and read.channel == "chan"
    assert (args.assignor, read.broker_profile) == ("sticky", "tansu")
    who = command_line.identity(args)
    assert (who.id, who.name, who.uid, who.kind) == (3, "C3", "run-C3", PROCESS)
    assert (who.processing_ms, who.failure_rate) == (250, 0.1)


def test_an_option_ends_its_help_with_its_range_and_carries_a_switch_alone():
    p = argparse.ArgumentParser()
    Option("--n", bounds=(1, 9)).add(p, 3, "how many")
    Option("--m", bounds=(0, 5)).add(p, 0)
    Option("--on", switch=True).add(p, help="turn it on")
    helps = {a.dest: a.help for a in p._actions}
    assert helps["n"] == "how many; 1..9" and helps["m"] == "0..5"
    assert p.parse_args(["--n", "4", "--on"]) == argparse.Namespace(n=4, m=0, on=True)
    assert Option("--on", switch=True).argv(True) == ["--on"]
    assert Option("--on", switch=True).argv(False) == []
