// Validates every CSAF document of a built site with the official OASIS/BSI validator
// library (@secvisogram/csaf-validator-lib): strict schema + all mandatory tests must
// pass; optional (recommended) test findings are printed as warnings.
//
// usage: node .ci/csaf-validate.mjs <output-dir>
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
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

const root = join(process.argv[2] ?? 'public', '.well-known', 'csaf')
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
  } else {
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
console.log(`CSAF documents: ${count - failed} valid, ${failed} invalid (csaf-validator-lib)`)
process.exit(failed === 0 ? 0 : 1)
