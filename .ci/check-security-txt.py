#!/usr/bin/env python3
"""Validate the security.txt of a built psirt-site output with `sectxt` (RFC 9116), offline.

Usage: check-security-txt.py <output-dir> [--url URL] [--now EPOCH]

sectxt's SecurityTXT class fetches a URL; the site's domain is not reachable from CI, so the
file's content goes to sectxt's Parser directly, together with the URL the file will be served
from (so that the Canonical check runs). That URL is --url, else <base_url>/.well-known/security.txt
with base_url read from site.toml in the current directory.

Expiry is judged at the build time (--now, default $SOURCE_DATE_EPOCH, else the current time):
a build with a fixed SOURCE_DATE_EPOCH must not start failing the day its Expires passes.

Exits 1 when sectxt reports any error; recommendations and notifications are printed only.
Also checks that /security.txt, when present, is the same file (RFC 9116 section 3).
"""

import argparse
import os
import sys
import tomllib
from datetime import datetime, timezone
from pathlib import Path

try:
    import sectxt
except ImportError:
    sys.exit("check-security-txt: sectxt is missing; run `pip install -r .ci/requirements.txt`")


def frozen_clock(epoch: int):
    """A datetime class whose now() is `epoch`, to stand in for sectxt's module-level datetime."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.fromtimestamp(epoch, tz or timezone.utc)

    return Frozen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--url", help="the URL the file is served from")
    ap.add_argument("--now", type=int, default=int(os.environ.get("SOURCE_DATE_EPOCH") or 0) or None)
    args = ap.parse_args()

    path = args.out / ".well-known" / "security.txt"
    if not path.is_file():
        print(f"FAIL {path}: missing")
        return 1
    url = args.url
    if url is None:
        base = tomllib.loads(Path("site.toml").read_text("utf-8"))["base_url"]
        url = base.rstrip("/") + "/.well-known/security.txt"
    if args.now is not None:
        sectxt.datetime = frozen_clock(args.now)
        when = datetime.fromtimestamp(args.now, timezone.utc).isoformat()
    else:
        when = "now"

    parsed = sectxt.Parser(path.read_bytes(), urls=url, is_local=True)
    print(f"sectxt {sectxt.__version__}: {path} as {url}, expiry judged at {when}")
    for tag, messages in (
        ("error", parsed.errors),
        ("recommendation", parsed.recommendations),
        ("notification", parsed.notifications),
    ):
        for m in messages:
            line = f"line {m['line']}: " if m.get("line") else ""
            print(f"  {tag} {m['code']}: {line}{m['message']}")
    failed = not parsed.is_valid()

    legacy = args.out / "security.txt"
    if legacy.exists() and legacy.read_bytes() != path.read_bytes():
        print(f"  error: {legacy} differs from {path}")
        failed = True

    print(f"{'FAIL' if failed else 'ok  '} {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
