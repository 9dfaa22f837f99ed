#!/usr/bin/env bash
# The official CSAF validator at scale: generates a corpus with examples/gen-corpus/ (71 CWEs in
# every year, release trains, fixed-only statements, components on platforms, VEX statements,
# exploited vulnerabilities, drafts, embargoes, restricted TLPs), builds it with psirt-site and
# validates every CSAF document with csaf-validate.mjs, printing how many were checked and how
# many failed.
#
# usage: .ci/csaf-corpus.sh PSIRT_SITE_BIN GEN_CORPUS_BIN WORK_DIR [COUNT]   (COUNT: 1000)
# Writes WORK_DIR/corpus and WORK_DIR/public; exit 1 if any document fails.
set -euo pipefail

bin=$1 gen=$2 work=$3 count=${4:-1000}
ci_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The generator's default build time (2026-12-01T00:00:00Z): its embargoes and its copy of the
# example signing key are made for it, so the same corpus builds the same way every time.
sde=1796083200
rm -rf "$work/corpus" "$work/public"
mkdir -p "$work"
t0=$SECONDS
"$gen" --count "$count" --seed 1 --build-time "$sde" --out "$work/corpus"
t1=$SECONDS
SOURCE_DATE_EPOCH=$sde "$bin" build --quiet --root "$work/corpus" --output "$work/public"
t2=$SECONDS
rc=0
node "$ci_dir/csaf-validate.mjs" --quiet "$work/public" || rc=$?
echo "corpus of $count advisories: generated in $((t1 - t0))s, built in $((t2 - t1))s, validated in $((SECONDS - t2))s"
exit "$rc"
