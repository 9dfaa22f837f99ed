#!/usr/bin/env python3
"""Randomised differential check of incremental builds (#18).

scripts/check-incremental edits a generated site in one fixed order. This script edits it at
random, several edits per build, in any order, with failed builds, clock changes and
hand-made output changes between them, and after every build compares the incremental output
with a clean build (fresh output, fresh cache) byte for byte. A failed build must leave the
previous output exactly as it was (bytes, mtimes and inodes).

    scripts/fuzz-incremental.py BIN GEN WORKDIR [--steps N] [--seed S] [--count C] [--preview]

Exit 1 on the first difference, with the seed, the step and the edits that led to it, so the
run can be repeated. Needs nothing beyond Python 3.
"""
import argparse
import filecmp
import os
import random
import re
import shutil
import subprocess
import sys

START = 1796083200
DAY = 86400
VECTORS = [
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
    "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N",
    "CVSS:3.1/AV:A/AC:L/PR:L/UI:N/S:U/C:H/I:L/A:N",
]
CWES = ["CWE-79", "CWE-787", "CWE-22", "CWE-416", "CWE-352", "CWE-1321"]


class Site:
    """The generated site and the edits made to it."""

    def __init__(self, root, rng):
        self.root = root
        self.rng = rng
        self.clock = START
        self.serial = 0
        self.out = self.cache = None

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def advisories(self):
        found = []
        for folder, _, files in os.walk(self.path("content", "advisories")):
            found += [os.path.join(folder, f) for f in files if f.endswith(".md")]
        return sorted(found)

    def pick(self):
        return self.rng.choice(self.advisories())

    def rewrite(self, path, change):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        changed = change(text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(changed)
        return changed != text

    def sub_first(self, path, pattern, replacement):
        return self.rewrite(path, lambda t: re.sub(pattern, replacement, t, count=1, flags=re.M))

    def tag(self):
        self.serial += 1
        return f"fuzz {self.serial}"


def edit_title(s):
    s.sub_first(s.pick(), r'^title = "', f'title = "{s.tag()}: ')


def edit_body(s):
    with open(s.pick(), "a", encoding="utf-8") as f:
        f.write(f"\nA paragraph added by {s.tag()}.\n")


def edit_summary(s):
    s.sub_first(s.pick(), r'^summary = "', f'summary = "{s.tag()}. ')


def edit_vector(s):
    s.sub_first(s.pick(), r'^cvss_v3 = ".*"', f'cvss_v3 = "{s.rng.choice(VECTORS)}"')


def edit_cwe(s):
    s.sub_first(s.pick(), r'^cwe = ".*"', f'cwe = "{s.rng.choice(CWES)}"')


def toggle_tlp(s):
    s.rewrite(s.pick(), lambda t: t.replace('tlp = "CLEAR"', 'tlp = "GREEN"', 1)
              if 'tlp = "CLEAR"' in t else t.replace('tlp = "GREEN"', 'tlp = "CLEAR"', 1))


def toggle_draft(s):
    def flip(t):
        if 'status = "draft"' in t:
            return t.replace('status = "draft"', 'status = "final"', 1)
        return re.sub(r'^status = "(final|interim)"', 'status = "draft"', t, count=1, flags=re.M)
    s.rewrite(s.pick(), flip)


def embargo(s):
    """Moves an advisory's publication (and its revisions) a few days into the build's future."""
    when = s.clock + s.rng.randint(1, 20) * DAY
    stamp = subprocess.run(["date", "-u", "-d", f"@{when}", "+%Y-%m-%dT%H:%M:%SZ"],
                           capture_output=True, text=True, check=True).stdout.strip()
    s.rewrite(s.pick(), lambda t: re.sub(r"^(published|date) = \S+", rf"\1 = {stamp}", t,
                                         flags=re.M))


def delete(s):
    if len(s.advisories()) > 10:
        os.remove(s.pick())


def add_copy(s):
    source = s.pick()
    with open(source, encoding="utf-8") as f:
        text = f.read()
    found = re.search(r'^id = "(.*)"', text, flags=re.M)
    if not found:
        return
    old = found.group(1)
    new = f"{old}-C{s.serial}"
    s.tag()
    target = os.path.join(os.path.dirname(source), f"{new}.md")
    if not os.path.exists(target):
        with open(target, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))


def move_file(s):
    """Moves an advisory's file to another folder: same id, another source path."""
    source = s.pick()
    folder = s.path("content", "advisories", "moved")
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, os.path.basename(source))
    if not os.path.exists(target):
        os.rename(source, target)


def edit_product(s):
    s.sub_first(s.path("content", "products.toml"), r'^name = "', f'name = "{s.tag()} ')


def edit_config(s):
    s.sub_first(s.path("site.toml"), r'^description = "', f'description = "{s.tag()}. ')


def edit_per_page(s):
    s.sub_first(s.path("site.toml"), r"^per_page = \d+", f"per_page = {s.rng.randint(2, 7)}")


def write_or_remove(s, path, text, remove_chance):
    """Writes `path` anew, or (now and then, when it exists) removes it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path) and s.rng.random() < remove_chance:
        os.remove(path)
        return
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def edit_template(s):
    write_or_remove(s, s.path("templates", "partials", "footer.html"),
                    f"<footer><p>Footer of {s.tag()}</p></footer>\n", 0.4)


def edit_policy(s):
    with open(s.path("content", "policy.md"), "a", encoding="utf-8") as f:
        f.write(f"\nPolicy line of {s.tag()}.\n")


def edit_static(s):
    write_or_remove(s, s.path("static", "extra", f"note-{s.rng.randint(1, 3)}.txt"),
                    f"static file of {s.tag()}\n", 0.5)


def same_bytes_new_mtime(s):
    os.utime(s.pick(), (s.clock + 7, s.clock + 7))


def clock(s):
    """Moves the build time: mostly forward (embargoes lift), now and then back."""
    s.clock += s.rng.choice([3600, 5 * DAY, 30 * DAY, -2 * DAY])


def output_files(s):
    found = []
    for folder, _, files in os.walk(s.out):
        found += [os.path.join(folder, f) for f in files]
    return sorted(found)


def tamper_output(s):
    """A hand edit of a published file (a hotfix on the host, say): the next build undoes it."""
    files = output_files(s)
    if files:
        with open(s.rng.choice(files), "ab") as f:
            f.write(b"tampered")


def delete_output(s):
    files = output_files(s)
    if files:
        os.remove(s.rng.choice(files))


def stray_output(s):
    files = output_files(s)
    if files:
        with open(os.path.join(os.path.dirname(s.rng.choice(files)), "stray.txt"), "w") as f:
            f.write("not made by any build\n")


def damage_cache(s):
    """The cache folder is a hint: a truncated, garbled or missing cache changes no output."""
    for folder, _, files in os.walk(s.cache):
        for name in files:
            path = os.path.join(folder, name)
            choice = s.rng.random()
            if choice < 0.3:
                os.remove(path)
            elif choice < 0.6:
                with open(path, "r+b") as f:
                    f.truncate(os.path.getsize(path) // 2)
            else:
                with open(path, "r+b") as f:
                    f.seek(s.rng.randint(0, max(0, os.path.getsize(path) - 1)))
                    f.write(b"#")


EDITS = [edit_title, edit_body, edit_summary, edit_vector, edit_cwe, toggle_tlp, toggle_draft,
         embargo, delete, add_copy, move_file, edit_product, edit_config, edit_per_page,
         edit_template, edit_policy, edit_static, same_bytes_new_mtime, clock, tamper_output,
         delete_output, stray_output, damage_cache]


def snapshot(folder):
    """Every file's bytes, mtime and inode, by relative path."""
    seen = {}
    for base, _, files in os.walk(folder):
        for name in files:
            full = os.path.join(base, name)
            st = os.lstat(full)
            with open(full, "rb") as f:
                seen[os.path.relpath(full, folder)] = (f.read(), st.st_mtime_ns, st.st_ino)
    return seen


def differences(a, b):
    cmp = filecmp.dircmp(a, b)
    found = []

    def walk(c, prefix):
        found.extend(os.path.join(prefix, n) for n in c.left_only + c.right_only + c.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        found.extend(os.path.join(prefix, n) for n in mismatch + errors)
        for name, sub in c.subdirs.items():
            walk(sub, os.path.join(prefix, name))

    walk(cmp, "")
    return sorted(found)


class Runner:
    def __init__(self, args, site):
        self.args, self.site = args, site
        self.flag = "--preview" if args.preview else "--output"
        self.out = os.path.join(args.workdir, "out")
        self.cache = os.path.join(args.workdir, "cache")
        self.failed_alike = 0

    def build(self, out, cache, extra=()):
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(self.site.clock))
        return subprocess.run([self.args.bin, "build", "--quiet", "--root", self.site.root,
                               self.flag, out, "--cache-dir", cache, *extra],
                              env=env, capture_output=True, text=True)

    def clean_build(self):
        clean, cache = (os.path.join(self.args.workdir, n) for n in ("clean", "clean-cache"))
        shutil.rmtree(clean, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        return clean, self.build(clean, cache)


def break_input(s):
    """An edit that must make the build fail; returns how to undo it."""
    path = s.pick()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    broken = s.rng.choice([
        lambda t: t.replace("+++\n", "+++\nunknown_key = 1\n", 1),
        lambda t: re.sub(r'^cvss_v3 = ".*"', 'cvss_v3 = "CVSS:3.1/AV:X"', t, count=1, flags=re.M)
        if "cvss_v3" in t else t.replace('tlp = "', 'tlp = "PURPLE', 1),
        lambda t: t.replace("[[affected]]\n", "[[affected]]\nproduct = \"no-such-product\"\n", 1),
    ])(text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(broken)
    return lambda: open(path, "w", encoding="utf-8").write(text)


def step(runner, number, log):
    s = runner.site
    if s.rng.random() < 0.1:
        before = snapshot(runner.out)
        undo = break_input(s)
        log.append(f"step {number}: a broken edit")
        failed = runner.build(runner.out, runner.cache)
        undo()
        if failed.returncode == 0:
            return "a broken input built without an error"
        if snapshot(runner.out) != before:
            return "a failed build changed the previous output"
        return None
    edits = s.rng.sample(EDITS, s.rng.randint(1, 3))
    for edit in edits:
        edit(s)
    extra = ["--full"] if s.rng.random() < 0.05 else []
    log.append(f"step {number}: {', '.join(e.__name__ for e in edits)} {' '.join(extra)}".rstrip())
    before = snapshot(runner.out)
    done = runner.build(runner.out, runner.cache, extra)
    clean, clean_done = runner.clean_build()
    if (done.returncode == 0) != (clean_done.returncode == 0):
        return f"incremental rc {done.returncode}, clean rc {clean_done.returncode}: " \
               f"{(done.stderr or clean_done.stderr)[:400]}"
    if done.returncode != 0:
        # The edits made the site invalid for both builds alike (the clock moved back between
        # an advisory's publication and a later revision, say): the failed incremental build
        # must have left its output as it was.
        if done.stderr.replace(runner.out, "") != clean_done.stderr.replace(clean, ""):
            return f"the two builds failed differently: {done.stderr[:300]} / {clean_done.stderr[:300]}"
        log[-1] += " (fails, as a clean build does)"
        runner.failed_alike += 1
        s.clock += 30 * DAY  # so that the run does not stall on a clock between two dates
        return None if snapshot(runner.out) == before else "a failed build changed the output"
    different = differences(runner.out, clean)
    if different:
        return "differs from a clean build: " + ", ".join(different[:8])
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("bin")
    p.add_argument("gen")
    p.add_argument("workdir")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--count", type=int, default=80)
    p.add_argument("--preview", action="store_true")
    args = p.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    root = os.path.join(args.workdir, "site")
    subprocess.run([args.gen, "--count", str(args.count), "--seed", str(args.seed), "--out", root,
                    "--build-time", str(START)], check=True, capture_output=True)
    with open(os.path.join(root, "site.toml"), "a", encoding="utf-8") as f:
        f.write("\n[lists]\nper_page = 4\n")
    runner = Runner(args, Site(root, random.Random(args.seed)))
    runner.site.out, runner.site.cache = runner.out, runner.cache
    first = runner.build(runner.out, runner.cache)
    if first.returncode != 0:
        sys.exit(f"fuzz-incremental: the first build failed: {first.stderr[:400]}")
    log = []
    for number in range(1, args.steps + 1):
        problem = step(runner, number, log)
        if problem:
            print("\n".join(log[-10:]))
            print(f"fuzz-incremental: seed {args.seed}, step {number}: {problem}")
            sys.exit(1)
    print(f"fuzz-incremental: seed {args.seed}: {args.steps} steps ({runner.failed_alike} made the "
          f"site invalid for a clean build too), every incremental build equals a clean build "
          f"and every failed build left the output as it was")


if __name__ == "__main__":
    main()
