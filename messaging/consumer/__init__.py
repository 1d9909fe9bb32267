"""One member of the consumer group, as a user runs it: the worker that polls, processes,
retries and reports, and the command line that starts it (``python -m messaging.consumer``).
"""
