"""Thin wrappers around kafka-python's clients: the producer, a topic reader, topic admin
and the assignor wrapper that reports the leader's table.
"""
