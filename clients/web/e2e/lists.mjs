// Issue 14's remaining pages in the browser (run by scenario.mjs after the forms; web-29 … web-36): warnings by
// rule on the supervision dashboard with its Excel; the contract, payment and desk lists' Excel; the 报销单 list;
// a returned claim corrected in the claim form (its items and invoice, a rule said at the field) and resubmitted;
// attachments on a matter application (a wrong type refused at the field, a PDF listed); an auditor's trail of
// the document with the verification of the whole trail. Each page screenshotted and checked by axe.
const E = process.env

async function downloaded(page, locator) {
  const [file] = await Promise.all([page.waitForEvent('download'), locator.click()])
  return file.suggestedFilename()
}

export async function lists({ browser, BASE, clerk, desk, shot, axe, signIn, check, findings, at }) {
  at('监督看板：风险预警按规则统计')
  await clerk.goto(`${BASE}/supervision`)
  await clerk.waitForFunction(() => document.querySelector('[data-chart=warnings-by-rule]')?.dataset.series)
  const rules = JSON.parse((await clerk.locator('[data-chart=warnings-by-rule]').getAttribute('data-series')) ?? '[]')
  findings.rules_by_rule = rules.map((r) => `${r.rule_label}:${r.warnings}`)
  check(rules.some((r) => r.rule === 'split_purchase'), `按规则统计里没有拆分采购预警：${findings.rules_by_rule}`)
  findings.rules_export = await downloaded(clerk, clerk.locator('[data-test=export]'))
  await clerk.locator('[data-chart=warnings-by-rule]').scrollIntoViewIfNeeded()
  await shot(clerk, 'web-29-warnings-by-rule', '监督看板·风险预警按规则统计：各规则的预警数（待处置、已处置）条形图与表格（含合计），可导出 Excel')
  await axe(clerk, 'web-29-warnings-by-rule')

  at('合同台账、付款申请台账导出')
  await clerk.goto(`${BASE}/contracts`)
  await clerk.locator('[data-test=contracts] .el-table__row').first().waitFor({ timeout: 15000 })
  findings.contracts_export = await downloaded(clerk, clerk.locator('[data-test=export]'))
  await shot(clerk, 'web-30-contracts-list', '合同管理：数据权限范围内的合同（服务端分页、按状态筛选），导出合同台账 Excel（单位名称在代码旁、金额千分位）')
  await axe(clerk, 'web-30-contracts-list')
  await clerk.goto(`${BASE}/payments`)
  await clerk.locator('[data-test=export]').waitFor()
  findings.payments_export = await downloaded(clerk, clerk.locator('[data-test=export]'))

  at('审批台：我提交的')
  await clerk.goto(`${BASE}/desk`)
  await clerk.getByRole('tab', { name: '我提交的' }).click()
  await clerk.locator('[data-test=submissions] .el-table__row').first().waitFor({ timeout: 15000 })
  findings.submissions_rows = await clerk.locator('[data-test=submissions] .el-table__row').count()
  findings.submissions_export = await downloaded(clerk, clerk.locator('[data-test=export]'))
  await shot(clerk, 'web-31-desk-submissions', '审批台·我提交的：每张单据的状态、当前节点与办理人，可导出 Excel（待我审批同样可导出）')
  await axe(clerk, 'web-31-desk-submissions')

  at('报销单列表')
  await clerk.goto(`${BASE}/expense-claims`)
  await clerk.locator('[data-test=claims] .el-table__row').first().waitFor({ timeout: 15000 })
  await clerk.locator('[data-test=claims-status]').click()
  await clerk.locator('.el-select-dropdown__item:visible', { hasText: '已退回' }).first().click()
  const returnedRow = clerk.locator('[data-test=claims] .el-table__row', { hasText: E.RETURNED_CLAIM_TITLE })
  await returnedRow.waitFor({ timeout: 15000 })
  findings.claims_rows = await clerk.locator('[data-test=claims] .el-table__row').count()
  await clerk.mouse.move(0, 0)
  await shot(clerk, 'web-32-claims-list', '报销单：我的或权限范围内全部报销单，按状态、类别筛选（服务端分页，每页 20 条，可跳至任一页），被退回的可修改后重新提交')
  await axe(clerk, 'web-32-claims-list')

  at('被退回的报销单修改明细和发票后重新提交')
  await returnedRow.getByRole('link', { name: '修改并重新提交' }).click()
  await clerk.locator('[data-test=resubmit-banner]').waitFor({ timeout: 15000 })
  const item = clerk.getByLabel('第 1 项金额（元）')
  check((await item.inputValue()) === '300.00', `退回的报销单明细没有带出：${await item.inputValue()}`)
  await item.fill('350.00')
  await clerk.getByRole('button', { name: '重新提交' }).click()
  const short = clerk.getByText('所附发票合计 300.00 元').first()
  await short.waitFor({ timeout: 5000 }) // at the invoices field, before anything is sent
  findings.resubmit_field_error = (await short.innerText()).trim()
  await clerk.mouse.move(0, 0)
  await shot(clerk, 'web-33-claim-resubmit', '修改并重新提交报销单：退回理由、原有明细与发票带入表单，可改行程、接待对象、费用明细和发票，规则在字段处提示')
  await axe(clerk, 'web-33-claim-resubmit')
  await clerk.fill('#x-inv-amount-0', '350.00')
  await clerk.getByRole('button', { name: '重新提交' }).dblclick()
  await clerk.getByText('已提交，等待审批').waitFor({ timeout: 20000 })
  findings.claim_resubmitted = true

  at('事前申请的附件')
  await clerk.goto(`${BASE}${findings.document_path}`)
  const input = clerk.locator('[data-test=attachments] input[type=file]')
  await input.waitFor({ state: 'attached', timeout: 15000 })
  check(!(await clerk.locator('[data-test=trail-link]').count()), '经办人看到了审批留痕入口')
  await input.setInputFiles({ name: '程序.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') })
  await clerk.locator('[data-test=attachments]').getByText('不支持的文件类型').waitFor({ timeout: 5000 })
  findings.attachment_refused = true
  await input.setInputFiles({
    name: '请示.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  })
  await clerk.locator('[data-test=attachments]').getByText('请示.pdf').waitFor({ timeout: 15000 })
  findings.application_attachment = true
  await clerk.mouse.move(0, 0)
  await shot(clerk, 'web-34-document-attachments', '单据详情·附件：事前申请、报销、付款申请、合同、采购申请均可上传附件（类型、大小在字段处提示），按单据数据权限查看')
  await axe(clerk, 'web-34-document-attachments')

  at('审计查看审批留痕并校验')
  const auditorContext = await browser.newContext(desk)
  const auditor = await auditorContext.newPage()
  await signIn(auditor, '/login', 'auditor')
  await auditor.goto(`${BASE}${findings.document_path}`)
  await auditor.locator('[data-test=trail-link]').click()
  await auditor.locator('[data-test=trail] .el-table__row').first().waitFor({ timeout: 15000 })
  findings.trail_entries = await auditor.locator('[data-test=trail] .el-table__row').count()
  findings.trail_chain = (await auditor.locator('[data-test=chain-local]').innerText()).trim()
  await auditor.locator('[data-test=verify-trail]').click()
  await auditor.locator('[data-test=verify-result]').waitFor({ timeout: 60000 })
  findings.trail_verified = (await auditor.locator('[data-test=verify-result]').innerText()).includes('完整，未发现篡改')
  await auditor.mouse.move(0, 0)
  await shot(auditor, 'web-35-trail', '审批留痕与校验（审计、纪检监察）：单据每一步的办理人、时间、来源地址、意见与哈希，本单据链逐条衔接，并可校验全部留痕链与锚点')
  await axe(auditor, 'web-35-trail')
  await auditorContext.close()
}
