#!/usr/bin/env python3
"""Writes a Hugo site from a psirt-site corpus, for scripts/bench's HTML-only comparison.

    scripts/bench-hugo-site.py CORPUS OUT

Each advisory under CORPUS/content/advisories becomes OUT/content/advisories/<file> with
only its title and publication date as front matter and the same Markdown body. The
templates are minimal: an advisory page (title, date, body), the advisories list in pages
of 100 (as psirt-site's lists) and a home page; no feeds, sitemap or taxonomies, so Hugo
renders HTML only. Files that do not start with a `+++` block are skipped.
"""

import pathlib
import re
import sys

CONFIG = """baseURL = "https://security.example/"
title = "Benchmark"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
# Hugo before 0.128 reads `paginate`; later versions `[pagination] pagerSize`.
paginate = 100
[pagination]
  pagerSize = 100
"""

BASEOF = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
"""

SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>Published <time>{{ .Date.Format "2006-01-02" }}</time></p>
{{ .Content }}</article>{{ end }}
"""

LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range (.Paginate .Pages.ByDate.Reverse).Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>
{{ end }}</ul>{{ template "_internal/pagination.html" . }}{{ end }}
"""

HOME = """{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>
{{ range first 20 (where .Site.RegularPages "Section" "advisories").ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}
"""

FRONT = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n", re.S)


def key(front: str, name: str) -> str | None:
    """The raw TOML value of a top-level `name = value` line of the front matter."""
    match = re.search(rf"^{name} = (.+)$", front, re.M)
    return match.group(1) if match else None


def convert(source: pathlib.Path, target: pathlib.Path) -> bool:
    text = source.read_text(encoding="utf-8")
    match = FRONT.match(text)
    if not match:
        return False
    title, published = key(match.group(1), "title"), key(match.group(1), "published")
    if title is None or published is None:
        return False
    target.write_text(
        f"+++\ntitle = {title}\ndate = {published}\n+++\n{text[match.end():]}", encoding="utf-8"
    )
    return True


def write(path: pathlib.Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: scripts/bench-hugo-site.py CORPUS OUT", file=sys.stderr)
        return 2
    corpus, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    write(out / "config.toml", CONFIG)
    write(out / "layouts/_default/baseof.html", BASEOF)
    write(out / "layouts/_default/single.html", SINGLE)
    write(out / "layouts/_default/list.html", LIST)
    write(out / "layouts/index.html", HOME)
    target = out / "content/advisories"
    target.mkdir(parents=True, exist_ok=True)
    write(target / "_index.md", '+++\ntitle = "Advisories"\n+++\n')
    converted = 0
    for source in sorted((corpus / "content/advisories").rglob("*.md")):
        # File names are unique ids; Hugo's content folders may stay flat.
        converted += convert(source, target / source.name)
    print(f"{converted} advisories written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
