"""The app's view and command of each consumer group: its members (threads, processes,
consumers started elsewhere, outside members), the model of who owns what, and the lag.
"""
