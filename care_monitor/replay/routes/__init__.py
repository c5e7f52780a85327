"""Replay routes, one module per platform (see care_monitor/replay/routing.py)."""
