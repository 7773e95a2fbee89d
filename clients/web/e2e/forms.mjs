// The later forms in a real browser (issue 14): part of e2e/scenario.mjs, run after its own steps. What they
// stand on is made through the API beforehand (tests/browser/forms_setup.py: an award of 党政综合办公室, a 三重一大
// application at its meeting, an approved payment on the demo office's 市政设施维修合同), named by the environment.
// A few steps per page, each page screenshotted (web-18 … web-28) and checked by axe; the clerk's session is
// the scenario's own, the other people each sign in once.
const E = process.env

/** Today and some days before it, as the office reads dates (Beijing). */
function day(offset = 0) {
  return new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10)
}

async function pickDate(page, selector, value) {
  await page.fill(selector, value)
  await page.keyboard.press('Enter')
}

async function pickOption(page, selector, text) {
  await page.locator(selector).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

/** Every step below, in order, with the scenario's helpers (`t`: browser, BASE, clerk, desk, shot, axe, signIn,
 *  check, findings, at). */
export async function forms(t) {
  for (const step of STEPS) await step(t)
}

async function contractForm({ BASE, clerk, shot, axe, check, findings, at }) {
  const today = day()
  at('合同登记（付款节点合计须等于合同金额）')
  await clerk.goto(`${BASE}/contracts/new`)
  await pickOption(clerk, '#c-basis', E.PROCUREMENT_TITLE)
  await clerk.locator('[data-test=basis-note]').getByText(E.AWARD_SUPPLIER).waitFor({ timeout: 15000 })
  await pickDate(clerk, '#c-start', today)
  await pickDate(clerk, '#c-end', `${Number(today.slice(0, 4)) + 1}-06-30`)
  await clerk.fill('#c-m-share-1', '60')
  await clerk.getByRole('button', { name: '保存合同（草稿）' }).click()
  const sumError = clerk.getByText('付款节点合计须等于合同金额').first()
  await sumError.waitFor({ timeout: 5000 }) // at the field, before anything is sent
  findings.contract_sum_refused = (await sumError.innerText()).trim()
  findings.contract_terms = (await clerk.locator('[data-test=terms-sum]').innerText()).replace(/\s+/g, ' ')
  await clerk.mouse.move(0, 0)
  await shot(clerk, 'web-18-contract-form', '合同登记：依据中标（成交）结果带出供应商与金额，付款节点按比例或金额（按服务端规则折算），合计与合同金额不符时在字段处提示，质保金须有质保期')
  await axe(clerk, 'web-18-contract-form')
  await clerk.fill('#c-m-share-1', '70')
  // the contract service hears the award a moment after it is made: until then the basis is refused at its field
  for (let i = 0; i < 15 && !/\/contracts\/[0-9a-f-]{36}$/.test(clerk.url()); i++) {
    await clerk.getByRole('button', { name: '保存合同（草稿）' }).click()
    await clerk.waitForURL(/\/contracts\/[0-9a-f-]{36}$/, { timeout: 2000 }).catch(() => {})
  }
  check(/\/contracts\/[0-9a-f-]{36}$/.test(clerk.url()), '合同未保存')
  await clerk.locator('[data-test=contract-status]', { hasText: '草稿' }).waitFor()
  await clerk.locator('[data-test=submit-contract]').click()
  await clerk.locator('[data-test=contract-status]', { hasText: '审批中' }).waitFor({ timeout: 15000 })
  await clerk.locator('[data-test=route]').getByText('第 1 步').first().waitFor({ timeout: 15000 }) // routed by approval
  findings.contract_submitted = true
  await shot(clerk, 'web-19-contract', '合同详情：付款节点与执行情况（条件满足、已付、应付日期、逾期）、验收记录、签订审批路线；拟稿人提交审批、审批通过后登记签订')
  await axe(clerk, 'web-19-contract')
}

async function claimForm({ BASE, clerk, shot, axe, findings, at }) {
  at('报销（差旅，小额直接报销）')
  await clerk.goto(`${BASE}/claims`)
  await clerk.fill('#x-title', '赴区档案馆查阅资料差旅费（浏览器测试）')
  await clerk.getByText('小额直接报销', { exact: false }).click()
  await clerk.locator('#x-line').click()
  await clerk.keyboard.type('差旅')
  await clerk.waitForTimeout(1000) // the remote search answers, the list settles
  await clerk.locator('.el-select-dropdown__item:visible', { hasText: 'DZB-30211' }).first().click()
  await pickDate(clerk, '#x-t-from-0', day(-3))
  await pickDate(clerk, '#x-t-to-0', day(-2))
  await clerk.fill('#x-t-dest-0', '区档案馆')
  await clerk.fill('#x-t-fare-0', '120.00')
  await clerk.fill('#x-t-lodging-0', '300.00')
  await clerk.fill('#x-t-meals-0', '200.00')
  await clerk.fill('#x-t-city-0', '80.00')
  await clerk.getByRole('button', { name: '增加发票' }).click()
  await clerk.fill('#x-inv-number-0', E.CLAIM_INVOICE)
  await pickDate(clerk, '#x-inv-date-0', day(-2))
  await clerk.getByLabel('第 1 张发票销售方统一社会信用代码').fill(E.INVOICE_ISSUER)
  await clerk.fill('#x-inv-amount-0', '420.00')
  await clerk.getByRole('button', { name: '提交报销' }).click()
  const lodging = clerk.getByText('未住宿（0 晚）不能报销住宿费').first()
  await lodging.waitFor({ timeout: 5000 })
  findings.claim_field_error = (await lodging.innerText()).trim()
  findings.claim_total = (await clerk.locator('[data-test=claim-total]').innerText()).replace(/\s+/g, ' ')
  await clerk.mouse.move(0, 0)
  await shot(clerk, 'web-20-claim', '报销：类别（差旅、会议、培训、公务接待、其他）、依据（事前申请或小额直接报销）、行程明细与发票；金额与须凭发票部分实时合计，规则在字段处提示')
  await axe(clerk, 'web-20-claim')
  await clerk.fill('#x-t-nights-0', '1')
  await clerk.getByRole('button', { name: '提交报销' }).click()
  await clerk.getByText('已提交，等待审批').waitFor({ timeout: 20000 })
  findings.claim_submitted = true
}

async function supplierAnalysis({ BASE, clerk, shot, axe, check, findings, at }) {
  at('供应商分析')
  await clerk.goto(`${BASE}/supplier-analysis`)
  await clerk.waitForFunction(() => JSON.parse(document.querySelector('[data-chart=suppliers]')?.dataset.series ?? '[]').length > 0)
  const suppliers = JSON.parse((await clerk.locator('[data-chart=suppliers]').getAttribute('data-series')) ?? '[]')
  findings.supplier_series = suppliers
  check(suppliers.some((s) => s.name === E.AWARD_SUPPLIER), `供应商分析图中没有中标供应商 ${E.AWARD_SUPPLIER}`)
  const [file] = await Promise.all([clerk.waitForEvent('download'), clerk.locator('[data-test=suppliers-export]').click()])
  findings.supplier_export = file.suggestedFilename()
  await shot(clerk, 'web-21-suppliers', '供应商分析：各供应商中标（成交）次数、金额（万元）与占全部金额比例，占比最高的单位（集中度），可导出 Excel')
  await axe(clerk, 'web-21-suppliers')
}

async function acceptance({ browser, BASE, desk, shot, axe, signIn, findings, at }) {
  at('验收（单位负责人，不相容岗位在字段处提示）')
  const cgbHead = await (await browser.newContext(desk)).newPage()
  await signIn(cgbHead, '/login', 'head_cgb')
  await cgbHead.goto(`${BASE}/contracts/${E.REPAIR_CONTRACT_ID}`)
  await cgbHead.locator('[data-test=acceptance-form]').waitFor()
  await cgbHead.locator('[data-test=a-members]').click()
  await cgbHead.keyboard.type('clerk_cgb')
  await cgbHead.keyboard.press('Enter')
  await cgbHead.fill('#a-findings', '维修工程已完工，经现场查验，质量符合合同约定')
  await cgbHead.getByRole('button', { name: '登记验收' }).click()
  const conflict = cgbHead.getByText('是本合同的采购经办人，不能参加验收').first()
  await conflict.waitFor({ timeout: 5000 })
  findings.acceptance_conflict = (await conflict.innerText()).trim()
  await cgbHead.mouse.move(0, 0)
  await shot(cgbHead, 'web-22-acceptance', '验收：付款节点、验收日期与结果、验收人员（达到金额须三人以上验收小组；采购经办人、合同拟稿人不得参加），不合格须写明意见')
  await axe(cgbHead, 'web-22-acceptance')
  await cgbHead.locator('[data-test=a-members] .el-tag__close').first().click()
  await cgbHead.getByRole('button', { name: '登记验收' }).click()
  await cgbHead.locator('[data-test=acceptances] .el-table__row', { hasText: '合格' }).first().waitFor({ timeout: 15000 })
  findings.acceptance_recorded = true
  // the acceptance's scan (验收单), uploaded on its row and listed there
  await cgbHead.locator('[data-test=acceptance-upload]').first().setInputFiles({
    name: '验收单.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  })
  await cgbHead.locator('[data-test=acceptance-attachments]').getByText('验收单.pdf').first().waitFor({ timeout: 15000 })
  findings.acceptance_attachment = true
  await cgbHead.mouse.move(0, 0)
  await shot(cgbHead, 'web-26-acceptance-attachment', '验收附件：每条验收记录可上传验收单、验收报告扫描件（PDF、OFD、图片、Office，10 MB 以内），列在该记录旁，点击即可下载')
  await progress({ cgbHead, BASE, shot, axe, findings, at })
  await cgbHead.context().close()
}

async function progress({ cgbHead, BASE, shot, axe, findings, at }) {
  at('履行进度确认（单位负责人，按进度付款的合同）')
  await cgbHead.goto(`${BASE}/contracts/${E.GREENING_CONTRACT_ID}`)
  await cgbHead.locator('[data-test=progress-form]').waitFor()
  await cgbHead.fill('#p-percent', '60')
  findings.progress_reaching = (await cgbHead.locator('[data-test=progress-reaching]').innerText()).trim()
  await cgbHead.fill('#p-remarks', '绿化养护已完成六成，经现场核实')
  await cgbHead.getByRole('button', { name: '登记进度确认' }).click()
  await cgbHead.locator('[data-test=progress-list] .el-table__row', { hasText: '60%' }).first().waitFor({ timeout: 15000 })
  findings.progress_certified = true
  await cgbHead.mouse.move(0, 0)
  await shot(cgbHead, 'web-27-progress', '履行进度确认：按进度付款的合同由非拟稿人确认进度（不得低于上次、不早于签订或上次确认日期），达到比例的付款节点即可申请付款；变更记录与补充合同 10% 上限')
  await axe(cgbHead, 'web-27-progress')
}

async function paymentForm({ browser, BASE, desk, shot, axe, signIn, findings, at }) {
  const today = day()
  at('付款申请（合同验收款）')
  const cgbClerk = await (await browser.newContext(desk)).newPage()
  await signIn(cgbClerk, '/login', 'clerk_cgb')
  await cgbClerk.goto(`${BASE}/payments/new?contract=${E.REPAIR_CONTRACT_ID}&milestone=2`)
  const met = cgbClerk.locator('[data-test=milestone-advice]')
  await met.getByText('满足').waitFor({ timeout: 15000 })
  findings.payment_milestone = (await met.innerText()).trim()
  await cgbClerk.fill('#p-inv-number-0', E.PAYMENT_INVOICE)
  await pickDate(cgbClerk, '#p-inv-date-0', today)
  await cgbClerk.mouse.move(0, 0)
  await shot(cgbClerk, 'web-23-payment-form', '付款申请：依据合同付款节点（条件是否满足、未付金额），收款人为合同相对方、账号取自供应商库，发票销售方须为收款人且合计不低于付款金额')
  await axe(cgbClerk, 'web-23-payment-form')
  await cgbClerk.getByRole('button', { name: '提交付款申请' }).click()
  await cgbClerk.waitForURL(/\/payments\/[0-9a-f-]{36}$/, { timeout: 20000 })
  findings.payment_requested = (await cgbClerk.locator('[data-test=payment-status]').innerText()).trim()
  // the drafter's amendment of the amended greening contract: an increase beyond 10 % refused at the field
  at('合同变更（拟稿人，补充合同累计不超过 10%）')
  await cgbClerk.goto(`${BASE}/contracts/${E.GREENING_CONTRACT_ID}`)
  await cgbClerk.locator('[data-test=amendment-form]').waitFor()
  await cgbClerk.fill('#m-reason', '增加养护面积')
  await cgbClerk.fill('#m-amount', '250000.00')
  await cgbClerk.getByRole('button', { name: '提交变更审批' }).click()
  const capped = cgbClerk.getByText('超过原合同金额').first()
  await capped.waitFor({ timeout: 5000 })
  findings.amendment_refused = (await capped.innerText()).trim()
  await cgbClerk.mouse.move(0, 0)
  await shot(cgbClerk, 'web-28-amendment', '合同变更与解除（拟稿人）：变更金额、期限或范围须说明理由并经审批，补充合同累计追加不超过原金额 10%、不低于已付；解除（终止）时结算金额不低于已付，其余预算占用退回')
  await axe(cgbClerk, 'web-28-amendment')
  await cgbClerk.context().close()
}

async function execution({ browser, BASE, desk, shot, axe, signIn, findings, at }) {
  const today = day()
  at('出纳支付')
  const cashier = await (await browser.newContext(desk)).newPage()
  await signIn(cashier, '/login', 'cashier')
  await cashier.goto(`${BASE}/payments`)
  await cashier.locator('[data-test=payments] tr', { hasText: E.PAYMENT_TITLE }).getByRole('link').first().click()
  await cashier.locator('[data-test=execute]').waitFor()
  await cashier.fill('#e-reference', `ZF-${today.replaceAll('-', '')}-0001`)
  await shot(cashier, 'web-24-payment-execute', '支付（出纳）：已批准的付款申请，登记银行（国库）支付凭证号；审批过的人不能支付，支付前再次校验')
  await axe(cashier, 'web-24-payment-execute')
  await cashier.getByRole('button', { name: '确认支付' }).click()
  await cashier.locator('[data-test=payment-status]', { hasText: '已支付' }).waitFor({ timeout: 20000 })
  findings.payment_executed = true
  await cashier.context().close()
}

async function meetingRecord({ browser, BASE, desk, shot, axe, signIn, findings, at }) {
  const today = day()
  at('集体决策会议记录（主要领导）')
  const principal = await (await browser.newContext(desk)).newPage()
  await signIn(principal, '/login', 'principal')
  await principal.goto(`${BASE}/desk`)
  await principal.locator('tr', { hasText: E.MEETING_TITLE }).first().getByRole('link').first().click()
  const meeting = principal.locator('[data-test=meeting]')
  await meeting.waitFor()
  await pickDate(principal, '#m-date', today)
  await principal.locator('.el-select', { has: principal.locator('#m-attendees') }).click()
  for (const who of ['principal', 'leader', 'leader_party', 'leader_discipline']) {
    await principal.keyboard.type(who)
    await principal.keyboard.press('Enter')
  }
  await meeting.getByText('同意', { exact: true }).click()
  await principal.fill('#m-minutes', '经党工委会议集体研究，同意实施机关办公楼外立面修缮。')
  const acks = principal.getByText('我已知悉此风险')
  for (let i = 0; i < (await acks.count()); i++) await acks.nth(i).click()
  if (await acks.count()) await principal.fill('#m-comment', '会议已听取风险提示，同意实施')
  await principal.mouse.move(0, 0)
  await shot(principal, 'web-25-meeting', '集体决策会议记录（审批台）：会议日期、出席人员（法定人数）、会议决定、纪要与存档编号，录入即完成集体决策节点')
  await axe(principal, 'web-25-meeting')
  await principal.getByRole('button', { name: '录入会议记录' }).click()
  await principal.waitForURL((u) => u.pathname === '/desk', { timeout: 20000 })
  findings.meeting_recorded = true
  await principal.context().close()
}

export const STEPS = [contractForm, claimForm, supplierAnalysis, acceptance, paymentForm, execution, meetingRecord]
