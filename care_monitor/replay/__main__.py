"""`python -m care_monitor.replay --port N`: run the replay server in the foreground."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from care_monitor.replay.server import ReplayServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m care_monitor.replay", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--anchor", type=datetime.fromisoformat, default=None,
        help="ISO time the sample posts are dated relative to (default: now)",
    )
    args = parser.parse_args(argv)
    server = ReplayServer(args.host, args.port, anchor=args.anchor)
    print(server.url, flush=True)
    for prefix in server.platforms:
        print(f"  {prefix:<10} {server.base_url(prefix)}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
