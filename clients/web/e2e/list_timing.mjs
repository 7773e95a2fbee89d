// `make bench`: a page of a 10,000-row list in the browser (报销单, /expense-claims, paged on the server). Signs in,
// opens the list, then turns pages — next, a jump to the last page, back to the first — timing each from the
// click until the new rows are on screen, and watching long tasks (> 50 ms on the main thread) meanwhile: a list
// that pages on the server stays smooth however long it is. Prints one JSON line.
import { chromium } from 'playwright-core'

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8000'
const ROWS = '[data-test=claims] .el-table__body tr'
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] })
const out = { turns: [] }
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN' })
  const page = await context.newPage()
  await page.goto(`${BASE}/login`)
  await page.fill('#username', process.env.USERNAME_ ?? 'clerk')
  await page.fill('#password', 'demo1234')
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL((u) => !u.pathname.endsWith('/login'))
  await page.goto(`${BASE}/expense-claims`)
  await page.locator(ROWS).first().waitFor()
  out.first_page_ms = await page.evaluate(() => Math.round(performance.now()))
  out.total = await page.locator('[data-test=claims-pager] .el-pagination__total').innerText()
  await page.evaluate(() => {
    window.__long = []
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__long.push(e.duration))).observe({ type: 'longtask' })
  })
  const firstNo = () => page.locator(`${ROWS} >> nth=0 >> td >> nth=0`).innerText()
  async function turn(label, act) {
    const before = await firstNo()
    const started = await page.evaluate(() => performance.now())
    await act()
    await page.waitForFunction(
      ([sel, old]) => {
        const cell = document.querySelector(`${sel} td`)
        return cell && cell.textContent.trim() !== old.trim()
      },
      [ROWS, before],
    )
    const ms = await page.evaluate((t0) => Math.round(performance.now() - t0), started)
    out.turns.push({ label, ms })
  }
  const jump = async (n) => {
    const input = page.locator('[data-test=claims-pager] .el-pagination__jump input')
    await input.fill(String(n))
    await input.press('Enter')
  }
  for (let i = 0; i < 3; i++) {
    await turn('next', () => page.locator('[data-test=claims-pager] .btn-next').click())
    await turn('last', () => jump(10000))
    await turn('first', () => jump(1))
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  out.page_ms = median(out.turns.map((t) => t.ms))
  out.worst_ms = Math.max(...out.turns.map((t) => t.ms))
  const long = await page.evaluate(() => window.__long)
  out.long_tasks = long.length
  out.longest_task_ms = Math.round(Math.max(0, ...long))
  out.ok = true
} catch (e) {
  out.ok = false
  out.error = String(e?.message ?? e)
} finally {
  await browser.close()
  process.stdout.write(JSON.stringify(out) + '\n')
}
