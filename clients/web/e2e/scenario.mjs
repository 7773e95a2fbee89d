// The clients in a real browser (Debian's Chromium, headless, driven by playwright-core): run by
// tests/browser/test_clients.py against a throwaway stack. Prints one JSON line of findings on stdout;
// screenshots go to ARTEFACTS. Exits non-zero on the first failed step, naming it.
//
//   BASE_URL=http://127.0.0.1:8000 ARTEFACTS=var/test-artefacts/clients node e2e/scenario.mjs
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { forms } from './forms.mjs'
import { lists } from './lists.mjs'

const require = createRequire(import.meta.url)
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8000'
const OUT = resolve(process.env.ARTEFACTS ?? 'var/test-artefacts/clients')
const TITLE = process.env.TITLE ?? `社区安全生产培训会${Date.now() % 100000}`
const AMOUNT = process.env.AMOUNT ?? '30000.00'
const LINE = process.env.LINE ?? '2026-DZB-30201-01'
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
// Latin words a Chinese page may show: data (user names, codes, document numbers), never the interface.
const ALLOWED_LATIN = /^(SQ|DZB|dzb|czb|Excel|clerk|head|clerk_czb|leader|finance|principal|inspector|MEETING|TRAINING)$/
mkdirSync(OUT, { recursive: true })

const findings = { screenshots: [], axe: {}, latin: {}, overflow: {}, timings: {}, csp: [] }
let step = 'start'
const check = (ok, what) => {
  if (!ok) throw new Error(`${step}: ${what}`)
}

async function shot(page, name, purpose) {
  const path = resolve(OUT, `${name}.png`)
  await page.waitForTimeout(300)
  await page.screenshot({ path, fullPage: true })
  findings.screenshots.push({ path, purpose })
  // The interface in Chinese: Latin words left in the visible text, minus data.
  // Elements marked data-raw hold data (user names, unit codes, one-time passwords), not interface text.
  const words = await page.evaluate(() => {
    const latin = (text) => text.match(/[A-Za-z][A-Za-z_]{2,}/g) ?? []
    const raw = new Set([...document.querySelectorAll('[data-raw]')].flatMap((el) => latin(el.innerText || el.textContent || '')))
    return latin(document.body.innerText).filter((w) => !raw.has(w))
  })
  findings.latin[name] = [...new Set(words)].filter((w) => !/^(SQ|[A-Z]{2,4})$/.test(w)).filter((w) => !ALLOWED_LATIN.test(w))
  // Nothing wider than the window (a horizontal scrollbar on a phone is a defect).
  findings.overflow[name] = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
}

async function axe(page, name) {
  // evaluated by the browser's devtools protocol, which the page's Content-Security-Policy does not govern
  await page.evaluate(AXE)
  const result = await page.evaluate(async () => {
    // @ts-ignore axe is injected above
    const r = await window.axe.run(document, {
      runOnly: { type: 'rule', values: ['label', 'color-contrast', 'button-name', 'image-alt', 'html-has-lang', 'document-title', 'link-name'] },
    })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, sample: v.nodes[0]?.target?.join(' ') }))
  })
  findings.axe[name] = result
}

async function signIn(page, path, username) {
  await page.goto(`${BASE}${path}`)
  const mobile = path.startsWith('/m/')
  await page.fill(mobile ? '#m-username' : '#username', username)
  await page.fill(mobile ? '#m-password' : '#password', 'demo1234')
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL((u) => !u.pathname.endsWith('/login'), { timeout: 15000 })
}

async function chartSeries(page) {
  const el = page.locator('[data-test=execution-chart]')
  await el.waitFor()
  await page.waitForFunction(() => document.querySelector('[data-test=execution-chart]')?.dataset.series)
  return JSON.parse((await el.getAttribute('data-series')) ?? '[]')
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
})
// Every page runs under the gateway's Content-Security-Policy: anything it blocks is a defect of the client.
const newContext = browser.newContext.bind(browser)
browser.newContext = async (options) => {
  const context = await newContext(options)
  context.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) findings.csp.push(m.text())
  })
  return context
}
try {
  const desk = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const phone = await browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })

  step = '接口文档离线可用'
  const offline = await browser.newContext({ viewport: { width: 1366, height: 860 } })
  const outside = []
  await offline.route('**/*', (r) => {
    const u = r.request().url()
    if (u.startsWith(BASE) || u.startsWith('data:') || u.startsWith('blob:')) return r.continue()
    outside.push(u)
    return r.abort()
  })
  const docs = await offline.newPage()
  await docs.goto(`${BASE}/docs`)
  await docs.locator('.swagger-ui .info .title').waitFor({ timeout: 30000 })
  await docs.goto(`${BASE}/redoc`)
  await docs.locator('h1').first().waitFor({ timeout: 30000 })
  findings.docs_outside_requests = outside
  await offline.close()

  step = '登录页'
  const clerk = await desk.newPage()
  await clerk.goto(`${BASE}/login`)
  await shot(clerk, 'web-01-login', '网页端登录页')
  await axe(clerk, 'web-01-login')

  step = '经办人登录，首页'
  await signIn(clerk, '/login', 'clerk')
  const t0 = Date.now()
  await clerk.goto(`${BASE}/`)
  await clerk.locator('[data-test=submissions]').waitFor()
  findings.timings.home_ready_ms = Date.now() - t0
  findings.timings.home_nav = await clerk.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0]
    return { domInteractive: Math.round(n.domInteractive), loadEventEnd: Math.round(n.loadEventEnd) }
  })
  await shot(clerk, 'web-02-home', '首页：我的待办（办理时限、预警）与我提交的单据（当前节点、办理人）')
  await axe(clerk, 'web-02-home')

  step = '执行图（提交前）'
  await clerk.goto(`${BASE}/dashboard`)
  const before = await chartSeries(clerk)
  const dzbBefore = before.find((r) => r.name.includes('（dzb）'))
  check(dzbBefore, `执行图里没有党政综合办公室（dzb）：${JSON.stringify(before)}`)
  check(dzbBefore.name.startsWith('党政综合办公室'), `单位名称未显示在代码旁：${dzbBefore.name}`)

  step = '部门负责人（手机，375 px）登录，待办'
  const head = await phone.newPage()
  await signIn(head, '/m/login', 'head')
  await head.locator('.van-nav-bar__title').filter({ hasText: '待办' }).waitFor()
  await shot(head, 'mobile-01-inbox-before', '移动端待办（提交前）')

  step = '填写事前申请'
  await clerk.goto(`${BASE}/apply`)
  await clerk.fill('#f-title', TITLE)
  await clerk.fill('#f-purpose', '组织辖区企业安全生产培训（浏览器测试）')
  await clerk.locator('[data-test=line-select]').click()
  await clerk.keyboard.type('办公费')
  await clerk.waitForTimeout(1000) // the remote search answers, the list settles
  await clerk.locator('.el-select-dropdown__item:visible', { hasText: LINE }).first().click()
  const balance = await clerk.locator('[data-test=balance]').innerText()
  check(/可用|元/.test(balance) && /\d{1,3}(,\d{3})*\.\d{2}/.test(balance), `未显示可用余额：${balance}`)
  findings.balance_shown = balance.split('\n')[0]
  await clerk.fill('#f-amount', AMOUNT)
  await clerk.locator('#f-amount').blur()
  await clerk.getByText('会议费', { exact: true }).click()
  await clerk.fill('#f-date', '2026-06-01')
  await clerk.keyboard.press('Enter')
  await clerk.locator('#f-persons').fill('30')
  await clerk.locator('#f-days').fill('2')
  await clerk.locator('#f-days').blur()
  const advice = clerk.locator('[data-test=standard-advice]')
  await advice.waitFor({ timeout: 15000 })
  findings.standard_advice = (await advice.innerText()).trim()
  check(/支出标准/.test(findings.standard_advice), `未提示支出标准：${findings.standard_advice}`)
  await shot(clerk, 'web-03-apply', '事前申请：选指标即显示可用余额，金额接近支出标准时引用标准提示')
  await axe(clerk, 'web-03-apply')

  step = '提交（双击只生成一张单据）'
  await clerk.getByRole('button', { name: '提交申请' }).dblclick()
  const confirm = clerk.getByRole('button', { name: '仍要提交' })
  await confirm.waitFor({ timeout: 10000 })
  await shot(clerk, 'web-04-confirm', '提交前确认：列出预警（引用支出标准）')
  await confirm.click()
  await clerk.getByText('已提交，等待审批').waitFor({ timeout: 20000 })
  await clerk.getByRole('button', { name: '查看审批进度' }).click()
  await clerk.waitForURL(/\/documents\/matter_application\//)
  findings.document_path = new URL(clerk.url()).pathname
  await clerk.locator('[data-test=route]').waitFor({ timeout: 20000 })
  await shot(clerk, 'web-05-document', '单据详情：审批路线（当前节点、每个节点的由来）与关联记录时间线')

  step = '审批台（网页端，部门负责人）'
  const headDesk = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const deskPage = await headDesk.newPage()
  await signIn(deskPage, '/login', 'head')
  await deskPage.goto(`${BASE}/desk`)
  const deskRow = deskPage.locator('tr', { hasText: TITLE }).first()
  await deskRow.waitFor({ timeout: 30000 })
  await shot(deskPage, 'web-06-desk-list', '审批台：待我审批（办理时限、预警条数）')
  await deskRow.getByRole('link').first().click()
  await deskPage.locator('[data-test=decision]').waitFor()
  await deskPage.locator('[data-test=route]').waitFor()
  await deskPage.waitForTimeout(1500) // the split-purchase warning may land a moment after the task
  await deskPage.reload()
  await deskPage.locator('[data-test=route]').waitFor()
  await shot(deskPage, 'web-07-desk', '审批台：单据、审批路线（每步由来）、办理记录、风险预警确认、同意/驳回/退回')
  await axe(deskPage, 'web-07-desk')
  await deskPage.goto(`${BASE}/delegation`)
  await deskPage.locator('#g-delegate').waitFor()
  await shot(deskPage, 'web-07b-delegation', '审批代理：设置外出、休假期间的代理人，查看和撤销')
  await axe(deskPage, 'web-07b-delegation')
  await headDesk.close()

  step = '负责人手机上实时收到'
  const cell = head.locator('[data-test=m-task]', { hasText: TITLE })
  await cell.waitFor({ timeout: 30000 }) // arrives through the notification stream, no reload
  findings.arrived_live = true
  // The split-purchase warning is raised by the risk service a moment later: wait for it on the card.
  for (let i = 0; i < 30 && !(await cell.innerText()).includes('预警'); i++) {
    await head.waitForTimeout(1000)
    if (i % 5 === 4) await head.reload()
  }
  await shot(head, 'mobile-02-inbox', '移动端待办：新单据实时到达，带预警条数')
  await axe(head, 'mobile-02-inbox')

  step = '负责人查看并确认预警、同意'
  await cell.click()
  await head.locator('[data-test=m-route]').waitFor()
  await head.getByText('第 1 步').first().waitFor()
  const ack = head.getByText('我已知悉此风险')
  findings.warnings_to_acknowledge = await ack.count()
  await shot(head, 'mobile-03-task', '移动端审批详情：单据、风险预警、审批路线')
  await axe(head, 'mobile-03-task')
  for (let i = 0; i < findings.warnings_to_acknowledge; i++) await ack.nth(i).click()
  await head.locator('[data-test=m-approve]').click()
  await head.fill('#m-comment', '已核实：培训与此前采购不属同一事项，同意')
  await shot(head, 'mobile-04-decide', '移动端审批意见（大按钮，确认预警须填写意见）')
  await head.locator('[data-test=m-send]').click()
  await head.waitForURL((u) => u.pathname === '/m/' || u.pathname === '/m', { timeout: 15000 })
  await head.locator('.van-nav-bar__title').filter({ hasText: '待办' }).waitFor()
  findings.approved = true
  await head.getByText('消息', { exact: true }).click()
  await head.locator('[data-test=m-message]').first().waitFor()
  await shot(head, 'mobile-05-messages', '移动端消息：待办分拨、退回、审批结束、催办')
  await axe(head, 'mobile-05-messages')

  step = '申请人手机上看到我的申请'
  const clerkPhoneContext = await browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const clerkPhone = await clerkPhoneContext.newPage()
  await signIn(clerkPhone, '/m/login', 'clerk')
  await clerkPhone.getByText('我的申请', { exact: true }).click()
  await clerkPhone.locator('[data-test=m-submission]', { hasText: TITLE }).waitFor()
  await shot(clerkPhone, 'mobile-06-mine', '移动端我的申请：状态与当前节点、办理人')
  await axe(clerkPhone, 'mobile-06-mine')
  await clerkPhoneContext.close()

  step = '经办人看到当前节点已前进'
  await clerk.goto(`${BASE}/`)
  const row = clerk.locator('[data-test=submissions] tr', { hasText: TITLE })
  await row.waitFor()
  for (let i = 0; i < 20 && !(await row.innerText()).includes('已通过'); i++) {
    await clerk.waitForTimeout(1000)
    await clerk.reload()
  }
  findings.submission_row = (await row.innerText()).replace(/\s+/g, ' ')
  check((await clerk.locator('[data-test=submissions] tr', { hasText: TITLE }).count()) === 1, '双击提交生成了不止一张单据')
  await shot(clerk, 'web-08-home-after', '首页：我的单据已审批通过')
  await clerk.goto(`${BASE}/messages`)
  await clerk.locator('.el-table__row').first().waitFor()
  await shot(clerk, 'web-08b-messages', '消息：审批结束等通知，点击打开单据')
  await axe(clerk, 'web-08b-messages')

  step = '执行图显示新数'
  await clerk.goto(`${BASE}/dashboard`)
  let after = await chartSeries(clerk)
  const gain = () => {
    const now = after.find((r) => r.name.includes('（dzb）'))
    return Number(now.pre_committed) - Number(dzbBefore.pre_committed)
  }
  for (let i = 0; i < 20 && gain() < Number(AMOUNT); i++) {
    await clerk.waitForTimeout(1000)
    await clerk.reload()
    after = await chartSeries(clerk)
  }
  findings.chart_gain = gain()
  check(Math.abs(gain() - Number(AMOUNT)) < 0.005, `执行图的已预占没有增加 ${AMOUNT}：${gain()}`)
  await shot(clerk, 'web-09-dashboard', '预算执行：按单位的柱状图（单位名称在代码旁）、逐月累计、执行表与导出')
  await axe(clerk, 'web-09-dashboard')

  step = '穿透到单据'
  await clerk.locator('[data-test=execution-table]').getByText('党政综合办公室（dzb）').click()
  await clerk.locator('[data-test=execution-table]').getByText(LINE).first().click()
  await clerk.locator('[data-test=moves]').getByText(TITLE.slice(0, 4)).first().waitFor({ timeout: 5000 }).catch(() => {})
  const moveLinks = clerk.locator('[data-test=moves] a')
  await moveLinks.first().waitFor()
  await shot(clerk, 'web-10-drilldown', '预算执行穿透：单位 → 预算指标 → 引起变动的单据（可点击）')
  findings.drilldown_documents = await moveLinks.count()

  step = '监督看板'
  await clerk.goto(`${BASE}/supervision`)
  for (const chart of ['three-public', 'contracts', 'warnings'])
    await clerk.waitForFunction((c) => document.querySelector(`[data-chart=${c}]`)?.dataset.series, chart)
  findings.supervision_charts = await clerk.locator('[data-chart] canvas').count()
  check(findings.supervision_charts >= 3, `监督看板的图表不足三张：${findings.supervision_charts}`)
  await shot(clerk, 'web-17-supervision', '监督看板：“三公”经费控制数与使用、合同执行（按单位）、风险预警与审批周期（按单位），可导出 Excel')
  await axe(clerk, 'web-17-supervision')

  step = '预算调整（调剂）'
  await clerk.goto(`${BASE}/adjust`)
  await clerk.locator('#a-from').click()
  await clerk.keyboard.type('办公费')
  await clerk.waitForTimeout(1000) // the remote search answers, the list settles
  await clerk.locator('.el-select-dropdown__item:visible', { hasText: LINE }).first().click()
  await clerk.locator('#a-to').click()
  await clerk.keyboard.type('培训费')
  await clerk.waitForTimeout(1000)
  await clerk.locator('.el-select-dropdown__item:visible', { hasText: '培训费' }).first().click()
  await clerk.fill('#a-amount', '99999999.00')
  await clerk.locator('#a-amount').blur()
  await clerk.getByText('超出调出指标可用余额').waitFor() // the field says it, before anything is sent
  await clerk.fill('#a-amount', '1000.00')
  await clerk.fill('#a-reason', '培训场地费用不足，从办公费调剂')
  await shot(clerk, 'web-11-adjust', '预算调整：调剂的调出、调入指标及各自余额，金额超出余额时在字段处提示')
  await axe(clerk, 'web-11-adjust')
  await clerk.getByRole('button', { name: '提交审批' }).click()
  await clerk.getByText('已提交，等待审批').waitFor({ timeout: 20000 })
  findings.adjustment_submitted = true

  step = '采购申请（采购方式预判、弱于规定的方式在字段处拒绝）'
  await clerk.goto(`${BASE}/procurement`)
  await clerk.fill('#p-title', '街道机关物业管理服务采购（浏览器测试）')
  await clerk.fill('#i-name-0', '物业管理服务')
  await clerk.locator('[data-test=items] .el-select').first().click()
  await clerk.locator('.el-select-dropdown__item:visible', { hasText: '服务' }).first().click()
  await clerk.fill('#i-qty-0', '1')
  await clerk.fill('#i-price-0', '1200000.00')
  await clerk.locator('[data-test=method-preview]').getByText('系统按限额标准预判').waitFor({ timeout: 15000 })
  findings.procurement_budget = (await clerk.locator('[data-test=budget]').innerText()).trim()
  findings.procurement_preview = (await clerk.locator('[data-test=method-preview]').innerText()).replace(/\s+/g, ' ')
  await clerk.locator('[data-test=method]').click()
  await clerk.locator('.el-select-dropdown__item:visible', { hasText: '自行采购' }).first().click()
  const weaker = clerk.getByText('弱于规定的采购方式').first()
  await weaker.waitFor({ timeout: 5000 })
  findings.procurement_refused = (await weaker.innerText()).trim()
  await clerk.mouse.move(0, 0)
  await shot(clerk, 'web-16-procurement', '采购申请：采购内容（品目类别、数量、单价、金额与合计），按限额标准预判的采购方式及依据，弱于规定的方式在字段处拒绝')
  await axe(clerk, 'web-16-procurement')
  // a purchase under the threshold: self procurement is allowed; submitted once, on the office line
  await clerk.fill('#i-price-0', '8000.00')
  await clerk.locator('[data-test=method-advice]').getByText('符合规定').waitFor({ timeout: 15000 })
  await clerk.locator('#p-line').click()
  await clerk.keyboard.type('办公费')
  await clerk.waitForTimeout(1000)
  await clerk.locator('.el-select-dropdown__item:visible', { hasText: LINE }).first().click()
  await clerk.getByRole('button', { name: '提交审批' }).dblclick()
  await clerk.getByText('已提交，等待审批').waitFor({ timeout: 20000 })
  findings.procurement_submitted = true

  // 合同登记、验收、报销、付款申请与支付、供应商分析、集体决策会议记录 (e2e/forms.mjs: web-18 … web-28)
  const formsStarted = Date.now()
  const DESK = { viewport: { width: 1366, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }
  await forms({ browser, BASE, clerk, desk: DESK, shot, axe, signIn, check, findings, at: (name) => (step = name) })
  findings.timings.forms_ms = Date.now() - formsStarted
  // 预警按规则、列表导出、报销单列表、修改重新提交、附件、审批留痕 (e2e/lists.mjs: web-29 … web-35)
  await lists({ browser, BASE, clerk, desk: DESK, shot, axe, signIn, check, findings, at: (name) => (step = name) })

  step = '组织机构管理（系统管理员）'
  check(!(await clerk.getByText('组织机构', { exact: true }).count()), '经办人的菜单里出现了组织机构')
  const adminContext = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const admin = await adminContext.newPage()
  await signIn(admin, '/login', 'admin')
  await admin.goto(`${BASE}/org/units`)
  await admin.locator('[data-test=unit-tree]').getByText('党政综合办公室', { exact: false }).first().click()
  await admin.getByRole('button', { name: '指定负责人' }).waitFor()
  await admin.locator('[data-test=bodies] .el-table__row').first().waitFor()
  findings.org_bodies = await admin.locator('[data-test=bodies] .el-table__row').count()
  await shot(admin, 'web-13-org-units', '单位与负责人：单位树、所选单位的负责人与分管领导、议事决策机构成员与法定人数')
  await axe(admin, 'web-13-org-units')
  await admin.goto(`${BASE}/org/people?unit=dzb`)
  await admin.locator('[data-test=people] .el-table__row').first().waitFor()
  findings.org_people_rows = await admin.locator('[data-test=people] .el-table__row').count()
  await admin.getByRole('button', { name: '新增人员' }).click()
  await admin.fill('#a-username', 'Zhang San')
  await admin.getByRole('button', { name: '新增', exact: true }).click()
  await admin.getByText('用户名须以小写字母开头').waitFor({ timeout: 5000 }) // at the field, before anything is sent
  findings.org_field_error = true
  await admin.mouse.move(0, 0) // not hovering the button: its hover colour is not what the page shows
  await shot(admin, 'web-14-org-people', '人员管理：按单位、角色、状态筛选（服务端分页），新增人员时字段处的中文提示')
  await axe(admin, 'web-14-org-people')
  await admin.getByRole('button', { name: '取消' }).click()
  await admin.goto(`${BASE}/org/people/head`)
  await admin.getByRole('button', { name: '停用账号' }).waitFor()
  await admin.getByText('不相容岗位').waitFor()
  findings.org_pairs = await admin.locator('.pairs .el-tag').count()
  await shot(admin, 'web-15-org-person', '人员详情：角色与职务（不相容岗位对）、重置密码、停用账号、变更留痕')
  await axe(admin, 'web-15-org-person')
  await adminContext.close()

  step = '他单位经办人打不开'
  const other = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN' })
  const outsider = await other.newPage()
  await signIn(outsider, '/login', 'clerk_czb')
  await outsider.goto(`${BASE}${findings.document_path}`)
  await outsider.locator('[data-test=doc-error]').waitFor({ timeout: 15000 })
  findings.outsider_sees = (await outsider.locator('[data-test=doc-error]').innerText()).trim().split('\n')[0]
  check(/不在您的数据权限范围内/.test(findings.outsider_sees), `他单位经办人看到了：${findings.outsider_sees}`)
  check(!(await outsider.getByText(TITLE).count()), '他单位经办人看到了事项名称')
  await shot(outsider, 'web-12-outsider', '他单位经办人打开该单据：不存在或无权查看')
  findings.ok = true
} catch (e) {
  findings.ok = false
  findings.error = String(e?.message ?? e)
} finally {
  await browser.close()
  process.stdout.write(JSON.stringify(findings) + '\n')
  process.exit(findings.ok ? 0 : 1)
}
