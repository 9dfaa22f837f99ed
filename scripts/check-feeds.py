#!/usr/bin/env python3
"""Check the RSS feeds of a built psirt-site output folder with feedparser.

Usage: scripts/check-feeds.py <output-dir>

For every feeds/**/*.xml: feedparser must report bozo == 0, the atom:link rel="self" must
point at the feed's own file, GUIDs must be unique within the feed, and every item link
must resolve to a file in the output folder (a URL path under the site's base URL maps to
<out>/<path>/index.html, or <out>/<path> for a file). Prints one line per feed and exits
non-zero if any feed fails. Needs `pip install feedparser`.
"""

import sys
from pathlib import Path
from urllib.parse import urlsplit

try:
    import feedparser
except ImportError:
    sys.exit("check-feeds: feedparser is missing; run `pip install feedparser`")


def local_file(out: Path, base: str, url: str):
    """The output file a URL under `base` is served from, or None when outside `base`."""
    url = urlsplit(url)._replace(query="", fragment="").geturl()
    if not url.startswith(base):
        return None
    rel = url[len(base):].lstrip("/")
    if rel == "" or rel.endswith("/"):
        return out / rel / "index.html"
    return out / rel


def check_feed(out: Path, path: Path):
    """Returns (item count, list of problems)."""
    parsed = feedparser.parse(path.read_bytes())
    problems = []
    if parsed.bozo:
        problems.append(f"bozo: {parsed.get('bozo_exception')!r}")
    if parsed.get("version") != "rss20":
        problems.append(f"not RSS 2.0 (feedparser says {parsed.get('version')!r})")
    # The channel <link> is the site's base URL with a trailing slash.
    base = parsed.feed.get("link", "").rstrip("/") + "/"
    selfs = [l.get("href") for l in parsed.feed.get("links", []) if l.get("rel") == "self"]
    if len(selfs) != 1 or local_file(out, base, selfs[0]) != path:
        problems.append(f"atom:link rel=self {selfs} does not point at this feed")
    seen = set()
    for item in parsed.entries:
        guid = item.get("id")
        if not guid or guid in seen:
            problems.append(f"missing or duplicate guid {guid!r}")
        seen.add(guid)
        link = item.get("link", "")
        target = local_file(out, base, link)
        if target is None or not target.is_file():
            problems.append(f"item link {link!r} has no file ({target})")
    return len(parsed.entries), problems


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    out = Path(argv[1]).resolve()
    feeds = sorted((out / "feeds").rglob("*.xml"))
    if not feeds:
        print(f"FAIL no feeds under {out / 'feeds'}")
        return 1
    failed = 0
    for path in feeds:
        count, problems = check_feed(out, path)
        rel = path.relative_to(out)
        if problems:
            failed += 1
            print(f"FAIL {rel}: {count} items; " + "; ".join(problems))
        else:
            print(f"ok   {rel}: {count} items")
    print(f"{len(feeds) - failed}/{len(feeds)} feeds ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
