"""`python -m pipeline.fixtureweb`: serve the fixture web (or the bench site) until interrupted.

Prints one JSON line mapping site names to base URLs, so a benchmark can run the server in a
process of its own and read where to crawl. `python -m pipeline.fixtureweb manifest` prints
the manifest as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading

from pipeline.fixtureweb.bench import generate_bench_site
from pipeline.fixtureweb.manifest import build_manifest
from pipeline.fixtureweb.server import DEFAULT_SLOW_SECONDS, serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.fixtureweb", description=__doc__)
    parser.add_argument("command", nargs="?", choices=("serve", "manifest"), default="serve")
    parser.add_argument(
        "--host", default="127.0.0.1", help="an address, or one per site separated by commas"
    )
    parser.add_argument("--port", type=int, default=0, help="first site's port (0: free ports)")
    parser.add_argument(
        "--bench", type=int, metavar="N", help="serve only a bench site of N articles"
    )
    parser.add_argument("--slow-seconds", type=float, default=DEFAULT_SLOW_SECONDS)
    args = parser.parse_args(argv)

    if args.command == "manifest":
        print(build_manifest().to_json())
        return 0

    sites = [generate_bench_site(args.bench)] if args.bench else None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    host = args.host.split(",") if "," in args.host else args.host
    with serve(host, args.port, sites=sites, slow_seconds=args.slow_seconds) as web:
        print(json.dumps(web.sites), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
