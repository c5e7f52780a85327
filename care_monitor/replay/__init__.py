"""A replay server on loopback that answers like the real feeds, from bundled sample data.

Used by the tests (over real HTTP) and by `make demo`. Each platform's routes live in one
module under `care_monitor/replay/routes/`; its sample posts in `data/<prefix>.json`.
"""

from care_monitor.replay.server import Fault, ReplayServer

__all__ = ["Fault", "ReplayServer"]
