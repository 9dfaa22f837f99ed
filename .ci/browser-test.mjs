// Browser test of a built psirt-site output: serves it on 127.0.0.1, opens the main pages in
// Debian's headless Chromium (through playwright-core) in a light and a dark colour scheme,
// and fails on
//   - an axe-core violation of impact "serious" or "critical",
//   - a console error or an uncaught page error,
//   - a request that leaves 127.0.0.1 (CDN, web font, analytics...: all are aborted),
//   - a same-origin request answered with an HTTP error (a missing stylesheet, image...).
// Full-page screenshots go to <screenshot-dir>/<page>-<scheme>.png.
//
// usage: node .ci/browser-test.mjs <output-dir> [<screenshot-dir>]
//   CHROMIUM=/path/to/chromium overrides /usr/bin/chromium.
import { createServer } from 'node:http'
import { createReadStream, mkdirSync, statSync } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const AXE = require.resolve('axe-core/axe.min.js')

const root = resolve(process.argv[2] ?? 'public')
const shots = resolve(process.argv[3] ?? join(root, '..', 'screenshots'))
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium'

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.asc': 'text/plain; charset=utf-8',
  '.sha256': 'text/plain; charset=utf-8',
  '.sha512': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.webmanifest': 'application/manifest+json',
}

// The file a URL path is served from: `/x/` is `/x/index.html`, `/x` a file or `/x/index.html`.
function fileFor(urlPath) {
  let path
  try {
    path = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  const file = resolve(root, '.' + path)
  if (file !== root && !file.startsWith(root + sep)) return null
  for (const candidate of path.endsWith('/') ? [join(file, 'index.html')] : [file, join(file, 'index.html')]) {
    try {
      if (statSync(candidate).isFile()) return candidate
    } catch {}
  }
  return null
}

function serve(file, status, req, res) {
  res.writeHead(status, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
  if (req.method === 'HEAD') res.end()
  else createReadStream(file).pipe(res)
}

const server = createServer((req, res) => {
  const file = fileFor(new URL(req.url, 'http://127.0.0.1').pathname)
  if (file) return serve(file, 200, req, res)
  const notFound = join(root, '404.html')
  try {
    if (statSync(notFound).isFile()) return serve(notFound, 404, req, res)
  } catch {}
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n')
})
await new Promise((ok) => server.listen(0, '127.0.0.1', ok))
const origin = `http://127.0.0.1:${server.address().port}`
console.log(`serving ${root} at ${origin}`)

const problems = new Set()
const problem = (page, text) => {
  if (problems.has(`${page}: ${text}`)) return
  problems.add(`${page}: ${text}`)
  console.log(`  FAIL ${text}`)
}

const browser = await chromium.launch({
  executablePath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
console.log(`browser: ${executablePath} ${browser.version()}`)

// Pages to test: fixed ones, plus the first advisory and product linked from their indexes.
async function firstLink(context, indexPath, pattern) {
  const page = await context.newPage()
  await page.goto(origin + indexPath)
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')))
  await page.close()
  const href = hrefs.map((h) => new URL(h, origin + indexPath)).find((u) => u.origin === origin && pattern.test(u.pathname))
  return href?.pathname
}

const pages = [
  ['home', '/'],
  ['advisories', '/advisories/'],
  ['advisory', null],
  ['product', null],
  ['acknowledgments', '/acknowledgments/'],
  ['policy', '/policy/'],
]
{
  const context = await browser.newContext()
  await context.route('**/*', (route) => (new URL(route.request().url()).origin === origin ? route.continue() : route.abort()))
  pages[2][1] = await firstLink(context, '/advisories/', /^\/advisories\/(?!severity\/|\d{4}\/)[^/]+\/$/)
  pages[3][1] = await firstLink(context, '/products/', /^\/products\/[^/]+\/$/)
  await context.close()
  for (const [name, path] of pages) if (!path) problem(name, 'no link to such a page found on its index page')
}

mkdirSync(shots, { recursive: true })
let checked = 0
for (const colorScheme of ['light', 'dark']) {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } })
  // Everything that is not our server is aborted and reported: the site must be self-contained.
  const external = []
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (new URL(url).origin === origin) return route.continue()
    external.push(url)
    return route.abort('blockedbyclient')
  })
  for (const [name, path] of pages) {
    if (!path) continue
    const label = `${name}-${colorScheme}`
    console.log(`${label}: ${path}`)
    const page = await context.newPage()
    const before = external.length
    page.on('console', (msg) => {
      if (msg.type() === 'error') problem(label, `console error: ${msg.text()} (${msg.location().url || path})`)
    })
    page.on('pageerror', (err) => problem(label, `uncaught error: ${err.message}`))
    page.on('response', (resp) => {
      if (resp.status() >= 400) problem(label, `HTTP ${resp.status()} for ${resp.url().replace(origin, '')}`)
    })
    await page.goto(origin + path, { waitUntil: 'load' })
    await page.addScriptTag({ path: AXE })
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }))
    for (const v of result.violations) {
      const line = `axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'})`
      if (v.impact === 'serious' || v.impact === 'critical') {
        problem(label, line)
        for (const n of v.nodes.slice(0, 10)) {
          console.log(`      ${n.target.join(' ')}  ${n.html.slice(0, 160)}`)
          if (n.failureSummary) console.log(`        ${n.failureSummary.replace(/\n\s*/g, ' | ')}`)
        }
        if (v.nodes.length > 10) console.log(`      ... ${v.nodes.length - 10} more`)
      } else {
        console.log(`  note ${line}`)
      }
    }
    await page.screenshot({ path: join(shots, `${label}.png`), fullPage: true })
    for (const url of external.slice(before)) problem(label, `request left 127.0.0.1: ${url}`)
    await page.close()
    checked++
  }
  await context.close()
}

await browser.close()
server.close()
console.log(`screenshots: ${shots}`)
if (problems.size > 0) {
  console.log(`browser test FAILED: ${problems.size} problem(s) on ${checked} page views`)
  for (const p of problems) console.log(`  ${p}`)
  process.exit(1)
}
console.log(`browser test ok: ${checked} page views (axe-core, console, network)`)
