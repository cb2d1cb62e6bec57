"""The `sigap channel` commands: API keys of the channels that submit through Open311, and
their quotas."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    channel = commands.add_parser(
        "channel",
        help="API keys of channels (LAPOR!, a WhatsApp bot) that submit through Open311",
        description="Each key belongs to a channel; reports submitted with it record the "
        "channel's slug. Keys are stored hashed and shown once, when created.",
    )
    actions = channel.add_subparsers(title="channel commands", metavar="CHANNEL_COMMAND")
    create = actions.add_parser(
        "create",
        help="create a key for channel NAME and print it once",
        description="Create an API key for the channel NAME. A second key under the same name "
        "joins the same channel: rotate keys by creating a new one, then revoking the old.",
    )
    create.add_argument("name", help='channel name, e.g. "LAPOR!" or "WhatsApp bot"')
    create.add_argument(
        "--per-hour", type=int, default=None,
        help="reports an hour through this channel (default: SIGAP_CHANNEL_REPORTS_PER_HOUR)",
    )  # fmt: skip
    create.set_defaults(run=_channel_create)
    quota = actions.add_parser(
        "quota",
        help="set the reports an hour of the channel of a key id ('default': the setting)",
    )
    quota.add_argument("key", metavar="KEY_ID", type=int)
    quota.add_argument("per_hour", metavar="PER_HOUR|default")
    quota.set_defaults(run=_channel_quota)
    listing = actions.add_parser("list", help="list channel keys (prefix, created, revoked)")
    listing.set_defaults(run=_channel_list)
    revoke = actions.add_parser(
        "revoke",
        help="revoke a key by its id or key prefix (from 'sigap channel list')",
    )
    revoke.add_argument("key", metavar="KEY_PREFIX_OR_ID")
    revoke.set_defaults(run=_channel_revoke)
    for parser in (create, listing, revoke, quota):
        parser.add_argument("--database-url", default=None)


def _channel_create(args: argparse.Namespace) -> int:
    from sigap.channels import service

    with transaction(args) as session:
        channel, key = service.create(session, name=args.name, reports_per_hour=args.per_hour)
        print(f"created key {channel.id} of channel {channel.slug} ({channel.name})")
    print(f"API key (shown only now; keep it secret): {key}")
    return 0


def _channel_list(args: argparse.Namespace) -> int:
    from sigap.channels import service

    row = "{:>4}  {:<20}  {:<12}  {:<17}  {:<17}  {:>8}  {}"
    print(
        row.format("id", "slug", "key prefix", "created (UTC)", "revoked (UTC)", "per hour", "name")
    )
    with transaction(args) as session:
        for c in service.list_all(session):
            created = f"{c.created_at:%Y-%m-%d %H:%M}"
            revoked = f"{c.revoked_at:%Y-%m-%d %H:%M}" if c.revoked_at else "-"
            quota = c.reports_per_hour or "default"
            print(row.format(c.id, c.slug, c.key_prefix, created, revoked, quota, c.name))
    return 0


def _channel_quota(args: argparse.Namespace) -> int:
    from sigap.channels import service

    per_hour = None if args.per_hour == "default" else int(args.per_hour)
    with transaction(args) as session:
        channel = service.set_quota(session, args.key, per_hour)
        shown = per_hour if per_hour is not None else "the deployment's default"
        print(f"channel {channel.slug}: {shown} reports an hour")
    return 0


def _channel_revoke(args: argparse.Namespace) -> int:
    from sigap.channels import service

    with transaction(args) as session:
        channel = service.revoke(session, key_prefix_or_id=args.key)
        print(f"revoked key {channel.id} ({channel.key_prefix}) of channel {channel.slug}")
    return 0


@contextmanager
def transaction(args: argparse.Namespace) -> Iterator[Session]:
    """One transaction on the configured database; a refused change prints why and exits 1."""
    from sigap.db import opened
    from sigap.errors import SigapError

    try:
        with opened(args.database_url) as database, database.transaction() as session:
            yield session
    except SigapError as exc:
        print(exc.message("en"), file=sys.stderr)
        raise SystemExit(1) from None
