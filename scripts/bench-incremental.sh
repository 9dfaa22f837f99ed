# Incremental-build cases of scripts/bench (issue #18); sourced by it, not run on its own.
# Uses its helpers and variables: BIN, GEN, WORK, SMOKE, SOURCE_DATE_EPOCH, now, secs, median, tv.
#
# The corpus stays in the scratch folder (tmpfs); the output, and the cache when the binary
# takes `--cache-dir`, go to BENCH_DISK_DIR on the disk, where creating and deleting tens of
# thousands of files is what a full rebuild costs. Each case builds into the output the case
# before left, and compares a listing of the output's files (path, mtime, inode) taken
# before and after the build: a file the build kept has the same mtime and the same inode.

INCR_COUNT=${BENCH_INCR_COUNT:-10000}
INCR_RUNS=${BENCH_INCR_RUNS:-3}
if [ "$SMOKE" = 1 ]; then
    INCR_COUNT=${BENCH_INCR_COUNT:-1000}
    INCR_RUNS=${BENCH_INCR_RUNS:-1}
fi
# Targets of #18 (release build, output on disk).
TARGET_NOOP_S=0.5
TARGET_EDIT_S=1.0
# The build's default cache folder, inside the site root.
CACHE_NAME=.psirt-cache
# The output folder's marker file: written by psirt-site, never published.
OUTPUT_MARKER=.psirt-site-output

if [ -n "${BENCH_DISK_DIR:-}" ]; then
    DISK=$BENCH_DISK_DIR
    mkdir -p "$DISK"
elif [ -d /var/tmp ] && [ -w /var/tmp ]; then
    DISK=$(mktemp -d /var/tmp/psirt-bench-disk.XXXXXX)
else
    # The report names the file system, so a tmpfs /tmp shows there.
    DISK=$(mktemp -d "${TMPDIR:-/tmp}/psirt-bench-disk.XXXXXX")
fi
INCR_OUT=$DISK/out
# The output a build replaces is kept beside it; a cold build must not find one either.
INCR_SPARE=$DISK/.out.spare
INCR_SNAPSHOT=$DISK/previous
# A cache folder on the disk beside the output when the binary takes `--cache-dir`; else the
# default one in the site root (the corpus, on tmpfs).
INCR_CACHE_ARGS=()
incr_cache_dir() {
    if [ "${#INCR_CACHE_ARGS[@]}" -gt 0 ]; then
        echo "$DISK/cache"
    else
        echo "$1/$CACHE_NAME"
    fi
}
if "$BIN" build --help 2>/dev/null | grep -q -- '--cache-dir'; then
    INCR_CACHE_ARGS=(--cache-dir "$DISK/cache")
fi

incr_cleanup() {
    if [ -n "${INCR_EDITED:-}" ] && [ -f "$WORK/incr-advisory.bak" ]; then
        cp "$WORK/incr-advisory.bak" "$INCR_EDITED"
    fi
    [ "${BENCH_KEEP:-0}" = 1 ] && return 0
    if [ -n "${BENCH_DISK_DIR:-}" ]; then
        rm -rf "$INCR_OUT" "$INCR_SPARE" "$INCR_SNAPSHOT" "$DISK/cache" "$DISK/hugo-out"
    else
        rm -rf "$DISK"
    fi
}

# Every file of an output folder, one `path<TAB>mtime<TAB>inode` line each, sorted by path;
# the marker is left out (it is not published).
incr_listing() {
    find "$1" -type f ! -path "$1/$OUTPUT_MARKER" -printf '%P\t%T@\t%i\n' | LC_ALL=C sort >"$2"
}

# Compares two listings: "mtime-changed inode-changed added removed"; the paths whose mtime
# changed go to $3.
incr_compare() {
    : >"$3"
    awk -F'\t' -v list="$3" '
        FILENAME == ARGV[1] { mtime[$1] = $2; inode[$1] = $3; next }
        ($1 in mtime) {
            seen[$1] = 1
            if (mtime[$1] != $2) { m++; print $1 > list }
            if (inode[$1] != $3) i++
            next
        }
        { a++ }
        END {
            for (p in mtime) if (!(p in seen)) r++
            printf "%d %d %d %d\n", m, i, a, r
        }' "$1" "$2"
}

# One build of the incremental corpus into the output on disk, at build time $2, labelled
# $1. Sets B_WALL, B_CPU, B_RSS, B_MTIME (files with a new mtime), B_INODE, B_ADDED,
# B_REMOVED and B_CHANGED (lines of the `--changed` list, in $WORK/incr-$1.changed).
incr_build() {
    local label=$1 epoch=$2 t0 tf=$WORK/incr-$1.time log=$WORK/incr-$1.log
    incr_listing "$INCR_OUT" "$WORK/incr-$label.before" 2>/dev/null || : >"$WORK/incr-$label.before"
    sync
    t0=$(now)
    SOURCE_DATE_EPOCH=$epoch /usr/bin/time -v -o "$tf" "$BIN" build --root "$INCR_CORPUS" \
        --output "$INCR_OUT" "${INCR_CACHE_ARGS[@]}" --changed "$WORK/incr-$label.changed" \
        >"$log" 2>&1 || { echo "bench: build ($label) failed:" >&2; tail -n 20 "$log" >&2; exit 1; }
    B_WALL=$(secs "$t0" "$(now)")
    B_CPU=$(awk -v u="$(tv "$tf" 'User time (seconds)')" -v s="$(tv "$tf" 'System time (seconds)')" \
        'BEGIN { printf "%.2f", u + s }')
    B_RSS=$(awk -v k="$(tv "$tf" 'Maximum resident set size (kbytes)')" 'BEGIN { printf "%.0f", k / 1024 }')
    incr_listing "$INCR_OUT" "$WORK/incr-$label.after"
    read -r B_MTIME B_INODE B_ADDED B_REMOVED < <(incr_compare "$WORK/incr-$label.before" \
        "$WORK/incr-$label.after" "$WORK/incr-$label.rewritten")
    B_CHANGED=$(wc -l <"$WORK/incr-$label.changed")
    echo "bench: incremental, $label: ${B_WALL}s wall, ${B_CPU}s CPU, ${B_RSS} MiB;" \
        "$B_MTIME files with a new mtime, $B_INODE with a new inode, $B_ADDED added," \
        "$B_REMOVED removed; --changed lists $B_CHANGED" >&2
}

# Records the build just made as one run of case $1, one line in $WORK/incr-case-$1:
# "wall cpu rss new-mtime new-inode changed-paths added removed" (the columns incr_all reads).
incr_record() {
    echo "$B_WALL $B_CPU $B_RSS $B_MTIME $B_INODE $B_CHANGED $B_ADDED $B_REMOVED" >>"$WORK/incr-case-$1"
}

# The first advisory (in path order) that the cold build published: editing it must show.
incr_pick_advisory() {
    local file id
    while IFS= read -r file; do
        id=$(sed -n 's/^id = "\(.*\)"$/\1/p' "$file" | head -n 1)
        if [ -n "$id" ] && [ -f "$INCR_OUT/advisories/${id//:/_}/index.html" ]; then
            echo "$file"
            return 0
        fi
    done < <(find "$INCR_CORPUS/content/advisories" -name '*.md' | LC_ALL=C sort)
    return 1
}

incr_corpus() {
    INCR_CORPUS=$WORK/corpus-$INCR_COUNT
    [ -d "$INCR_CORPUS" ] && return 0
    "$GEN" --count "$INCR_COUNT" --seed 1 --out "$INCR_CORPUS" --build-time "$SOURCE_DATE_EPOCH" \
        2>"$WORK/gen-incr.log"
}

# The one-advisory case: the advisory's title (its first `title =` line; the vulnerabilities'
# titles come later) edited, built, restored, built.
incr_edit_runs() {
    INCR_EDITED=$(incr_pick_advisory) || { echo "bench: no published advisory to edit" >&2; exit 1; }
    cp "$INCR_EDITED" "$WORK/incr-advisory.bak"
    INCR_EDITED_NAME=${INCR_EDITED#"$INCR_CORPUS"/}
    echo "bench: incremental, editing the title of $INCR_EDITED_NAME" >&2
    for i in $(seq 1 "$INCR_RUNS"); do
        sed -i '0,/^title = "/s//title = "Edited: /' "$INCR_EDITED"
        incr_build "edit-$i" "$SOURCE_DATE_EPOCH"
        incr_record edit
        if [ "$i" = 1 ]; then
            echo "bench: incremental, paths in --changed after the edit:" >&2
            sed 's/^/    /' "$WORK/incr-edit-1.changed" >&2
            echo "bench: incremental, files with a new mtime after the edit:" >&2
            sed 's/^/    /' "$WORK/incr-edit-1.rewritten" >&2
        fi
        cp "$WORK/incr-advisory.bak" "$INCR_EDITED"
        incr_build "restore-$i" "$SOURCE_DATE_EPOCH"
        incr_record restore
    done
    INCR_EDITED=""
}

# Before a cold build on the disk (psirt-site's and Hugo's alike): write out dirty pages
# and, where allowed (root, and BENCH_DROP_CACHES is not 0), drop the kernel's clean caches.
# After many files were deleted, ext4 checks each free inode it considers for a recent
# deletion while that inode's table block is still cached (`recently_deleted`): measured
# on this machine, a cold 10k build then spent 15-17 s of system time instead of 1-3 s
# (12-13 s wall instead of 5.5 s), whatever the binary. The bench deletes ~94,000 files
# before its cold case, so without this its figure depends on what the cache still holds.
settle_disk() {
    sync
    if [ "${BENCH_DROP_CACHES:-1}" != 0 ] && [ -w /proc/sys/vm/drop_caches ]; then
        { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null && INCR_DROPPED="yes"
    fi
}

# All cases, in order; each starts from the output the one before left.
incremental_cases() {
    local fs i
    incr_corpus
    fs=$(df -T "$DISK" | awk 'NR == 2 { print $2 }')
    INCR_FS="$fs ($DISK)"
    if [ "$fs" = tmpfs ]; then
        echo "bench: BENCH_DISK_DIR $DISK is on tmpfs; the incremental cases are meant for the disk" >&2
    fi
    INCR_CACHE=$(incr_cache_dir "$INCR_CORPUS")
    rm -f "$WORK"/incr-case-*
    echo "bench: incremental, $INCR_COUNT advisories, output in $INCR_OUT ($fs), cache in $INCR_CACHE" >&2
    INCR_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

    rm -rf "$INCR_OUT" "$INCR_SPARE" "$INCR_CACHE"
    settle_disk
    incr_build cold "$SOURCE_DATE_EPOCH"
    incr_record cold
    INCR_FILES=$(wc -l <"$WORK/incr-cold.after")

    for i in $(seq 1 "$INCR_RUNS"); do
        incr_build "noop-$i" "$SOURCE_DATE_EPOCH"
        incr_record noop
    done

    incr_edit_runs

    incr_build hour "$((SOURCE_DATE_EPOCH + 3600))"
    incr_record hour
    B_HOUR_CHANGED=$B_CHANGED
    INCR_HOUR_PATHS=$(paste -sd' ' "$WORK/incr-hour.changed")
    echo "bench: incremental, an hour later --changed lists: ${INCR_HOUR_PATHS:-nothing}" >&2

    # A real copy, not hard links: the previous output to compare with after the cache is gone.
    rm -rf "$INCR_SNAPSHOT"
    cp -a "$INCR_OUT" "$INCR_SNAPSHOT"
    rm -rf "$INCR_CACHE"
    incr_build nocache "$((SOURCE_DATE_EPOCH + 3600))"
    incr_record nocache
    if diff -r "$INCR_SNAPSHOT" "$INCR_OUT" >"$WORK/incr-nocache.diff" 2>&1; then
        INCR_NOCACHE_SAME=met
    else
        INCR_NOCACHE_SAME="**missed** ($(grep -c '' "$WORK/incr-nocache.diff") lines of \`diff -r\`)"
        echo "bench: output after deleting the cache differs from the previous one:" >&2
        head -n 20 "$WORK/incr-nocache.diff" >&2
    fi
    rm -rf "$INCR_SNAPSHOT"
    INCR_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
}

# Column $2 of case $1's runs, sorted, space-separated.
incr_all() { awk -v c="$2" '{ print $c }' "$WORK/incr-case-$1" | sort -g | paste -sd' '; }
incr_median() { awk -v c="$2" '{ print $c }' "$WORK/incr-case-$1" | median; }
incr_max() { awk -v c="$2" '{ print $c }' "$WORK/incr-case-$1" | sort -g | tail -n 1; }
incr_runs() { grep -c '' "$WORK/incr-case-$1"; }

# One table row: case label, case name, target text, verdict text. Files the build added
# or removed are named after the mtime figures when there are any.
incr_row() {
    local name=$2 mtime added removed
    mtime=$(incr_all "$name" 4)
    added=$(incr_all "$name" 7)
    removed=$(incr_all "$name" 8)
    [ "$(incr_max "$name" 7)" = 0 ] || mtime="$mtime (added: $added)"
    [ "$(incr_max "$name" 8)" = 0 ] || mtime="$mtime (removed: $removed)"
    echo "| $1 | $(incr_runs "$name") | $(incr_median "$name" 1) s | $(incr_all "$name" 1)" \
        "| $(incr_median "$name" 2) | $(incr_median "$name" 3) MiB | $mtime" \
        "| $(incr_all "$name" 5) | $(incr_all "$name" 6) | $3 | $4 |"
}

# Sets INCR_NOOP_OK and INCR_EDIT_OK (1 when met) and prints the report's table.
incremental_report() {
    local noop edit verdict_noop verdict_edit hour_ok
    noop=$(incr_median noop 1)
    edit=$(incr_median edit 1)
    INCR_NOOP_OK=0
    INCR_EDIT_OK=0
    if awk -v w="$noop" -v t="$TARGET_NOOP_S" 'BEGIN { exit !(w <= t) }' &&
        [ "$(incr_max noop 4)" = 0 ] && [ "$(incr_max noop 5)" = 0 ]; then
        INCR_NOOP_OK=1
    fi
    awk -v w="$edit" -v t="$TARGET_EDIT_S" 'BEGIN { exit !(w <= t) }' && INCR_EDIT_OK=1
    verdict_noop=$([ "$INCR_NOOP_OK" = 1 ] && echo met || echo "**missed**")
    verdict_edit=$([ "$INCR_EDIT_OK" = 1 ] && echo met || echo "**missed**")
    hour_ok=$(incr_hour_only_security_txt && echo met || echo "**missed**")
    echo
    echo "### Incremental build, $(echo "$INCR_COUNT" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta') advisories, output on disk"
    echo
    echo "Output on $INCR_FS, cache in \`$INCR_CACHE\`, corpus on tmpfs; $INCR_FILES files in the output (marker not counted); load average $INCR_LOAD_BEFORE before, $INCR_LOAD_AFTER after. Each case builds over the output the case before left; \"new mtime\" and \"new inode\" count the output's files whose mtime or inode differ from the listing taken before that build, one figure per run. Kernel caches dropped before the cold builds (psirt-site's and Hugo's): ${INCR_DROPPED:-no}."
    echo
    echo "| case | runs | wall median | wall all runs (s) | CPU user+sys (s) | peak RSS | files with a new mtime | files with a new inode | \`--changed\` paths | target | verdict |"
    echo "|---|---:|---:|---|---:|---:|---|---|---|---|---|"
    incr_row "cold: empty output, no cache" cold "–" "–"
    incr_row "no-op rebuild (same SOURCE_DATE_EPOCH)" noop "≤ ${TARGET_NOOP_S} s, 0 files rewritten" "$verdict_noop"
    incr_row "one advisory's title edited" edit "≤ ${TARGET_EDIT_S} s, only the files that show it (list below)" "$verdict_edit"
    incr_row "the edit undone" restore "≤ ${TARGET_EDIT_S} s" "–"
    incr_row "an hour later (SOURCE_DATE_EPOCH + 3600)" hour "only security.txt (and its signature) differ" "$hour_ok"
    incr_row "cache folder deleted, same build time" nocache "output byte-identical to the previous one" "$INCR_NOCACHE_SAME"
    echo
    echo "Paths in \`--changed\` after the edit of \`${INCR_EDITED_NAME:-}\` (first run):"
    echo
    sed 's/^/    /' "$WORK/incr-edit-1.changed"
    echo
    echo "\`--changed\` an hour later: ${INCR_HOUR_PATHS:-nothing}"
}

# Whether the hour-later build's `--changed` list names nothing but security.txt (and its
# signature, if any).
incr_hour_only_security_txt() {
    ! grep -qvE '^/(\.well-known/)?security\.txt(\.asc|\.sig)?$' "$WORK/incr-hour.changed"
}

# Appends the incremental targets' verdicts to the report; returns 1 when one is missed.
incremental_verdicts() {
    local ok=0
    if [ "$INCR_NOOP_OK" = 1 ]; then
        echo "- target no-op rebuild <= ${TARGET_NOOP_S} s with 0 files rewritten at $INCR_COUNT on disk: met ($(incr_median noop 1) s, $(incr_max noop 4) files)"
    else
        echo "- target no-op rebuild <= ${TARGET_NOOP_S} s with 0 files rewritten at $INCR_COUNT on disk: MISSED ($(incr_median noop 1) s, up to $(incr_max noop 4) files with a new mtime, $(incr_max noop 5) with a new inode)"
        ok=1
    fi
    if [ "$INCR_EDIT_OK" = 1 ]; then
        echo "- target one advisory edited <= ${TARGET_EDIT_S} s at $INCR_COUNT on disk: met ($(incr_median edit 1) s)"
    else
        echo "- target one advisory edited <= ${TARGET_EDIT_S} s at $INCR_COUNT on disk: MISSED ($(incr_median edit 1) s)"
        ok=1
    fi
    if incr_hour_only_security_txt; then
        echo "- an hour later only security.txt differs: met (${INCR_HOUR_PATHS:-nothing})"
    else
        echo "- an hour later only security.txt differs: MISSED ($(incr_runs hour) build, $B_HOUR_CHANGED paths: $(head -c 300 "$WORK/incr-hour.changed" | paste -sd' ')…)"
        ok=1
    fi
    if [ "$INCR_NOCACHE_SAME" = met ]; then
        echo "- output after deleting the cache byte-identical to the previous one: met"
    else
        echo "- output after deleting the cache byte-identical to the previous one: MISSED ($INCR_NOCACHE_SAME)"
        ok=1
    fi
    return "$ok"
}

# --- Hugo, for scale ---------------------------------------------------------------------
# An HTML-only Hugo build of the same advisories (scripts/bench-hugo-site.py: title, date and
# Markdown body; minimal templates), cold, output on the same disk. Not in smoke mode; skipped
# with a note when Hugo is missing and cannot be installed (Debian package `hugo`, as root).
hugo_case() {
    HUGO_NOTE=""
    [ "$SMOKE" = 1 ] && return 0
    if [ "${BENCH_HUGO:-1}" = 0 ]; then
        HUGO_NOTE="skipped (BENCH_HUGO=0)"
        return 0
    fi
    if ! command -v hugo >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "bench: installing Hugo (Debian package \`hugo\`) for the comparison" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null 2>&1 ||
            { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null 2>&1; } || true
    fi
    if ! command -v hugo >/dev/null; then
        HUGO_NOTE="skipped: hugo is not installed and could not be (apt-get install hugo, as root)"
        echo "bench: $HUGO_NOTE" >&2
        return 0
    fi
    local site=$WORK/hugo-site out=$DISK/hugo-out tf=$WORK/hugo.time t0
    rm -rf "$site" "$out" "$WORK/hugo-cache"
    python3 scripts/bench-hugo-site.py "$INCR_CORPUS" "$site" 2>"$WORK/hugo-site.log"
    settle_disk
    t0=$(now)
    if ! /usr/bin/time -v -o "$tf" hugo --source "$site" --destination "$out" \
        --cacheDir "$WORK/hugo-cache" --minify --quiet >"$WORK/hugo.log" 2>&1; then
        HUGO_NOTE="skipped: hugo failed ($(tail -n 1 "$WORK/hugo.log"))"
        echo "bench: $HUGO_NOTE" >&2
        return 0
    fi
    HUGO_WALL=$(secs "$t0" "$(now)")
    HUGO_CPU=$(awk -v u="$(tv "$tf" 'User time (seconds)')" -v s="$(tv "$tf" 'System time (seconds)')" \
        'BEGIN { printf "%.2f", u + s }')
    HUGO_RSS=$(awk -v k="$(tv "$tf" 'Maximum resident set size (kbytes)')" 'BEGIN { printf "%.0f", k / 1024 }')
    HUGO_FILES=$(find "$out" -type f | wc -l)
    HUGO_VERSION=$(hugo version | awk '{ print $2 }')
    echo "bench: hugo, $INCR_COUNT advisories: ${HUGO_WALL}s wall" >&2
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$site" "$out" "$WORK/hugo-cache"
}

# The comparison line of the report (nothing in smoke mode).
hugo_report() {
    [ "$SMOKE" = 1 ] && return 0
    echo
    if [ -z "${HUGO_WALL:-}" ]; then
        echo "Hugo comparison: ${HUGO_NOTE:-not run}"
        return 0
    fi
    local cold
    cold=$(incr_median cold 1)
    echo "Hugo $HUGO_VERSION, HTML only (same $INCR_COUNT advisories: title, date and Markdown body; minimal templates; \`--minify\`), cold, output on the same disk: ${HUGO_WALL} s wall, ${HUGO_CPU} s CPU, ${HUGO_RSS} MiB peak, $HUGO_FILES files. psirt-site's cold build above (HTML, CSAF, hashes, signatures, feeds): ${cold} s. Hugo's wall time is $(awk -v h="$HUGO_WALL" -v p="$cold" 'BEGIN { printf "%.2f", h / p }')× psirt-site's (target of #18: ≥ 3×; one run each, so only a rough figure on a shared machine)."
}
