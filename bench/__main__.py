"""``python -m bench COMMAND``: run `python -m bench` to list the benchmarks (each has --help)."""

from __future__ import annotations

import sys


def main() -> None:
    commands = (
        "generate",
        "routing",
        "http",
        "workflow",
        "photos",
        "portal",
        "citizen",
        "notify",
        "writer",
        "maps",
        "photo_hashes",
        "mixed",
        "limits",
        "transit",
        "transit_engines",
        "cards",
        "fares",
        "market",
        "market_orders",
    )
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(f"usage: python -m bench {{{'|'.join(commands)}}} [--help]")
        sys.exit(2)
    command, rest = sys.argv[1], sys.argv[2:]
    module = __import__(f"bench.{command}", fromlist=["main"])
    module.main(rest)


if __name__ == "__main__":
    main()
