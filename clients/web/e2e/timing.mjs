// `make bench`: how soon the web client's home page is interactive, by the Performance API, in Debian's Chromium.
// Signs in once, then loads / five times; prints one JSON line: each load's domInteractive and the time until
// the home page's lists are shown (ms since navigation start), and the medians.
import { chromium } from 'playwright-core'

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8000'
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] })
const out = { loads: [] }
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN' })
  const page = await context.newPage()
  await page.goto(`${BASE}/login`)
  await page.fill('#username', process.env.USERNAME_ ?? 'clerk')
  await page.fill('#password', 'demo1234')
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL((u) => !u.pathname.endsWith('/login'))
  for (let i = 0; i < 5; i++) {
    await page.goto(`${BASE}/`)
    await page.locator('[data-test=submissions] .el-table__body, [data-test=submissions] .el-table__empty-text').first().waitFor()
    const t = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0]
      return { domInteractive: Math.round(n.domInteractive), ready: Math.round(performance.now()) }
    })
    out.loads.push(t)
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  out.domInteractive_ms = median(out.loads.map((l) => l.domInteractive))
  out.ready_ms = median(out.loads.map((l) => l.ready))
  out.ok = true
} catch (e) {
  out.ok = false
  out.error = String(e?.message ?? e)
} finally {
  await browser.close()
  process.stdout.write(JSON.stringify(out) + '\n')
}
