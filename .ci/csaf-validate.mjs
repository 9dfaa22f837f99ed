// Validates every CSAF document of a built site with the official OASIS/BSI validator
// library (@secvisogram/csaf-validator-lib): strict schema + all mandatory tests must
// pass; optional (recommended) test findings are printed as warnings.
//
// usage: node .ci/csaf-validate.mjs [--quiet] <output-dir>
//   --quiet: no line per valid document (for large generated corpora); failures, warnings and
//            the closing count are still printed.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
import * as optional from '@secvisogram/csaf-validator-lib/optionalTests.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'

function* documents(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* documents(path)
    else if (/^\d{4}$/.test(dir.split('/').pop()) && name.endsWith('.json')) yield path
  }
}

const args = process.argv.slice(2)
const quiet = args.includes('--quiet')
const root = join(args.find((a) => a !== '--quiet') ?? 'public', '.well-known', 'csaf')
// The version in the closing line: the CWE list of test 6.1.11 comes with it (src/model/cwe.rs).
const lib = join(dirname(fileURLToPath(import.meta.url)), 'node_modules/@secvisogram/csaf-validator-lib')
const { version } = JSON.parse(readFileSync(join(lib, 'package.json'), 'utf8'))
let failed = 0
let count = 0
for (const path of documents(root)) {
  count++
  const doc = JSON.parse(readFileSync(path, 'utf8'))
  const basic = await validateStrict([csaf_2_0_strict, ...Object.values(mandatory)], doc)
  const opt = await validateStrict(Object.values(optional), doc)
  const errors = basic.tests.flatMap((t) => t.errors.map((e) => ({ test: t.name, ...e })))
  if (!basic.isValid || errors.length > 0) {
    failed++
    console.log(`FAIL ${path}`)
    for (const e of errors) console.log(`  error ${e.test} ${e.instancePath}: ${e.message}`)
  } else if (!quiet) {
    console.log(`ok   ${path}`)
  }
  const warnings = [...basic.tests, ...opt.tests].flatMap((t) =>
    [...t.warnings, ...(basic.tests.includes(t) ? [] : t.errors)].map((w) => ({ test: t.name, ...w }))
  )
  for (const w of warnings) console.log(`  warning ${w.test} ${w.instancePath}: ${w.message}`)
}
if (count === 0) {
  console.log(`no CSAF documents found under ${root}`)
  process.exit(1)
}
console.log(`CSAF documents: ${count} checked, ${failed} failed (csaf-validator-lib ${version})`)
process.exit(failed === 0 ? 0 : 1)
