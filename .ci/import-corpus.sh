#!/usr/bin/env bash
# Import's round trip with the official CSAF validator: imports every CSAF document of the
# shared corpus (CISA, Red Hat, OASIS examples, OWASP Juice Shop) into a new site, builds it,
# and validates each original and its rebuilt document with csaf-validator-lib (strict schema
# + mandatory tests). A rebuilt document must pass wherever its original does (#16). Prints
# the import's counts, the validator's counts and the round-trip figures of the test
# `imported_corpus_documents_round_trip` (the leaf-by-leaf comparison, docs/import.md).
#
# usage: .ci/import-corpus.sh PSIRT_SITE_BIN CORPUS_CSAF_DIR WORK_DIR
# Writes WORK_DIR/site, WORK_DIR/public and WORK_DIR/import-report.json; exit 1 if a rebuilt
# document fails where its original passes, if the build fails, or if the round trip misses
# its targets. Without the corpus folder it says so and succeeds (as the tests do).
set -euo pipefail

bin=$1 corpus=$2 work=$3
ci_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ ! -d "$corpus" ]; then
    echo "skipped: no CSAF corpus at $corpus"
    exit 0
fi
corpus=$(cd "$corpus" && pwd)
rm -rf "$work/site" "$work/public"
mkdir -p "$work/site/content"
work=$(cd "$work" && pwd)
# A new site: the corpus's publishers' documents keep their ids (no id prefix to follow).
cat >"$work/site/site.toml" <<'EOF'
title = "Imported corpus"
base_url = "https://psirt.example.com"
description = "The shared CSAF corpus, imported."
allow_example_domains = true

[publisher]
name = "Example PSIRT"
namespace = "https://example.com"

[contact]
email = "psirt@example.com"
EOF
: >"$work/site/content/products.toml"

t0=$SECONDS
# Exit 1 means that some documents were refused (those the report lists with a reason).
rc=0
"$bin" import --root "$work/site" --report "$work/import-report.json" "$corpus" >"$work/import.log" 2>&1 || rc=$?
[ "$rc" -le 1 ] || { cat "$work/import.log"; echo "import crashed (exit $rc)"; exit 1; }
t1=$SECONDS
"$bin" build --quiet --root "$work/site" --output "$work/public"
t2=$SECONDS

# The validator: each imported original and its rebuilt document (found by tracking id).
rc=0
(cd "$ci_dir" && node --input-type=module - "$work" "$corpus") <<'EOF' || rc=$?
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'

const [work, corpus] = process.argv.slice(2)
const report = JSON.parse(readFileSync(join(work, 'import-report.json'), 'utf8'))
console.log(`import: ${report.imported.length} imported, ${report.refused.length} refused`)
for (const r of report.refused) console.log(`  refused ${relative(corpus, r.path)}: ${r.reason.split('\n')[0]}`)

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* files(path)
    else if (/^\d{4}$/.test(dir.split('/').pop()) && name.endsWith('.json')) yield path
  }
}
const rebuilt = new Map()
for (const path of files(join(work, 'public', '.well-known', 'csaf'))) {
  rebuilt.set(JSON.parse(readFileSync(path, 'utf8')).document.tracking.id, path)
}
async function errors(doc) {
  const result = await validateStrict([csaf_2_0_strict, ...Object.values(mandatory)], doc)
  const found = result.tests.flatMap((t) => t.errors.map((e) => `${t.name} ${e.instancePath}: ${e.message}`))
  return result.isValid && found.length === 0 ? [] : found.length ? found : ['invalid']
}
let checked = 0, failed = 0, regressions = 0, originalsFailing = 0, missing = 0
for (const i of report.imported) {
  const path = rebuilt.get(i.id)
  if (!path) {
    missing++
    console.log(`  not published (not TLP:CLEAR or a draft): ${i.id}`)
    continue
  }
  checked++
  const original = await errors(JSON.parse(readFileSync(i.source, 'utf8')))
  const own = await errors(JSON.parse(readFileSync(path, 'utf8')))
  if (original.length) originalsFailing++
  if (!own.length) continue
  failed++
  if (!original.length) regressions++
  console.log(`FAIL ${relative(work, path)} (original ${relative(corpus, i.source)} ${original.length ? 'fails too' : 'passes'})`)
  for (const e of own) console.log(`  error ${e}`)
}
const { version } = JSON.parse(
  readFileSync('node_modules/@secvisogram/csaf-validator-lib/package.json', 'utf8')
)
console.log(
  `rebuilt CSAF documents: ${checked} checked, ${failed} failed, ${regressions} of them where the ` +
    `original passes (originals failing: ${originalsFailing}; not published: ${missing}; ` +
    `csaf-validator-lib ${version})`
)
process.exit(regressions === 0 && checked > 0 ? 0 : 1)
EOF
t3=$SECONDS

# The leaf-by-leaf figures: the test compares the same import and build (cargo has built it).
figures=0
cd "$ci_dir/.."
cargo test --quiet imported_corpus_documents_round_trip -- --nocapture >"$work/round-trip.log" 2>&1 || figures=$?
grep -E '^(round trip|per document|documents below)|^ *[0-9.]+ % /' "$work/round-trip.log" || true
[ "$figures" -eq 0 ] || echo "round trip: the test failed (exit $figures), see $work/round-trip.log"
echo "imported in $((t1 - t0))s, built in $((t2 - t1))s, validated in $((t3 - t2))s"
[ "$rc" -eq 0 ] && [ "$figures" -eq 0 ]
