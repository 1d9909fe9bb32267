"""One member of the consumer group, as a user runs it: the worker that polls, processes,
retries and reports, and the command line that starts it (``python -m messaging.consumer``).

- ``worker``: the loop (poll, process, commit, leave) and what other threads may ask of it;
  its roles, one module each: ``status`` (snapshot and reports), ``records`` (attempts,
  retries, dead letters; no Kafka), ``offsets`` (what to commit, when), ``rebalance``
  (partitions coming and going), ``joining`` (the join guard), ``client`` (the
  KafkaConsumer's configuration);
- ``home``: what a worker needs from where it runs; ``process_home``: what a consumer in
  a process of its own does besides (signals, the parent watch, a real crash);
- ``cli``, ``command_line``, ``assignors``: the command, its flags (also written by the
  app for its children), and the assignors it offers.
"""
