// The contract form's rules (合同登记) and the acceptance form's (验收), pure so they are unit-tested
// (tests/contractRules.spec.ts). They say at the field, before anything is sent, what the contract service
// would refuse (services/contract/domain: contract.py, terms.py, acceptance.py; the rule ids in
// services/contract/DOMAIN.md): the basis and its ceiling, the dates, each payment milestone, the milestones
// adding up to the amount exactly (shares resolved as the service resolves them), retention and its warranty
// end, the acceptance committee. The service decides; its refusals are shown at the same fields
// (`CONTRACT_REFUSALS`, `ACCEPTANCE_REFUSALS`).
import { cents, fromCents, money } from './format'
import { amountError } from './rules'
import { DATE_PATTERN, type RefusalFields } from './formErrors'

export const CONDITIONS: Record<string, string> = {
  on_signing: '合同签订后（预付款）',
  on_acceptance: '验收合格后',
  on_progress: '按进度',
  after_warranty: '质保期满后（质保金）',
}

// The contract policy's figures the forms quote (services/contract/domain/seed.py, DEMO_POLICY: an office sets
// its own; the service applies the one in force).
export const CONTRACT_POLICY = {
  directContractBelow: '50000.00', // without procurement (on an approved matter application) only below this
  defaultPaymentDays: 30,
  smeMaxPaymentDays: 60, // 保障中小企业款项支付条例 第8条
  retentionMaxRate: { works: 3 } as Record<string, number>, // % of the amount (建设工程质量保证金管理办法 第7条)
  acceptanceCommitteeFrom: '100000.00', // from this amount a committee accepts (政府采购需求管理办法 第26条)
  acceptanceCommitteeSize: 3,
}

const PERCENT_PATTERN = /^\d{1,3}(\.\d{1,4})?$/
const PERCENT_UNITS = 1_000_000n // 100 % in ten-thousandths of a percent (shares have up to four places)

export interface MilestoneForm {
  name: string
  condition: string
  by: 'share' | 'amount'
  share: string
  amount: string
  progress: string
  planned_date: string
  payment_days: string
}

export function blankMilestone(condition = 'on_acceptance', share = ''): MilestoneForm {
  return { name: '', condition, by: 'share', share, amount: '', progress: '', planned_date: '', payment_days: '' }
}

/** What the contract stands on: an award (中标/成交结果) or an approved matter application (below the policy). */
export interface ContractBasis {
  kind: 'award' | 'application'
  id: string
  no?: string
  ceiling: string // the award's amount, or the application's approved amount
  supplier_id?: string
  supplier_name?: string
  category?: string // the purchase's category (works: retention capped)
  notice_date?: string
  purchaser?: string
}

export interface ContractForm {
  basis: ContractBasis | null
  title: string
  supplier_id: string
  amount: string
  start_date: string
  end_date: string
  warranty_end: string
  purchaser: string
  scope: string
  milestones: MilestoneForm[]
}

/** A share (%) in ten-thousandths of a percent, or null when it is not a number with at most four places. */
function shareUnits(text: string): bigint | null {
  const t = String(text ?? '').trim()
  if (!PERCENT_PATTERN.test(t)) return null
  const [whole, frac = ''] = t.split('.')
  return BigInt(whole) * 10_000n + BigInt((frac + '0000').slice(0, 4))
}

/** Each milestone's amount in cents as the service resolves it: shares of the amount rounded down to the fen,
 *  the remainder on the last share milestone (so shares of 100 % give the amount exactly); null where a
 *  milestone's figure (or the amount) is not readable yet. */
export function resolveMilestones(milestones: MilestoneForm[], amountText: string): Array<bigint | null> {
  const amount = cents(String(amountText ?? '').trim())
  const out: Array<bigint | null> = milestones.map((m) =>
    m.by === 'amount' ? cents(String(m.amount ?? '').trim()) : null,
  )
  if (amount === null || amount <= 0n) return out
  const shares = milestones.map((m, i) => [i, m.by === 'share' ? shareUnits(m.share) : null] as const)
  const valid = shares.filter(([, u]) => u !== null) as Array<readonly [number, bigint]>
  if (!valid.length) return out
  for (const [i, u] of valid) out[i] = (amount * u) / PERCENT_UNITS
  const exact = (amount * valid.reduce((s, [, u]) => s + u, 0n)) / PERCENT_UNITS
  const resolved = valid.reduce((s, [i]) => s + out[i]!, 0n)
  const last = valid[valid.length - 1][0]
  out[last] = out[last]! + exact - resolved
  return out
}

export interface TermsSummary {
  total: string | null // the milestones' sum, null while one is unreadable
  difference: string | null // total − amount
  retention: string // after_warranty milestones
  addsUp: boolean
}

export function termsSummary(milestones: MilestoneForm[], amountText: string): TermsSummary {
  const resolved = resolveMilestones(milestones, amountText)
  const amount = cents(String(amountText ?? '').trim())
  let retention = 0n
  resolved.forEach((c, i) => {
    if (c !== null && milestones[i].condition === 'after_warranty') retention += c
  })
  if (resolved.some((c) => c === null) || amount === null)
    return { total: null, difference: null, retention: fromCents(retention), addsUp: false }
  const total = (resolved as bigint[]).reduce((s, c) => s + c, 0n)
  return { total: fromCents(total), difference: fromCents(total - amount), retention: fromCents(retention), addsUp: total === amount }
}

function dayCount(text: string): number | null {
  const t = String(text ?? '').trim()
  return /^\d{1,4}$/.test(t) ? Number(t) : null
}

/** Field errors of each milestone, keyed as the service names them (milestones[i].share). */
export function milestoneErrors(milestones: MilestoneForm[], amountText: string, sme = false): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!milestones.length) {
    errors.milestones = '合同须约定付款条件（至少一个付款节点）'
    return errors
  }
  const resolved = resolveMilestones(milestones, amountText)
  milestones.forEach((m, i) => {
    const at = `milestones[${i}]`
    if (!m.name.trim()) errors[`${at}.name`] = '请填写节点名称，如 预付款、验收款'
    if (!CONDITIONS[m.condition]) errors[`${at}.condition`] = '请选择付款条件'
    if (m.by === 'share') {
      const u = shareUnits(m.share)
      if (!String(m.share ?? '').trim()) errors[`${at}.share`] = '请填写比例（%）'
      else if (u === null || u === 0n || u > PERCENT_UNITS) errors[`${at}.share`] = '比例须大于 0 且不超过 100，最多四位小数'
      else if (resolved[i] !== null && resolved[i]! <= 0n) errors[`${at}.share`] = '按此比例计算的金额为零'
    } else {
      const bad = amountError(m.amount)
      if (bad) errors[`${at}.amount`] = bad
    }
    if (m.condition === 'on_progress') {
      const p = shareUnits(m.progress)
      if (p === null || p === 0n || p > PERCENT_UNITS) errors[`${at}.progress`] = '按进度付款须约定进度比例（大于 0 且不超过 100%）'
    }
    if (m.planned_date && !DATE_PATTERN.test(m.planned_date)) errors[`${at}.planned_date`] = '日期格式应为 YYYY-MM-DD'
    const daysText = String(m.payment_days ?? '').trim()
    if (daysText) {
      const days = dayCount(daysText)
      if (days === null || days > 3650) errors[`${at}.payment_days`] = '付款期限为 0 至 3650 天的整数'
      else if (sme && days > CONTRACT_POLICY.smeMaxPaymentDays)
        errors[`${at}.payment_days`] = `向中小企业付款的期限不得超过 ${CONTRACT_POLICY.smeMaxPaymentDays} 天（保障中小企业款项支付条例）`
    }
  })
  return errors
}

/** Every field error of the contract form, keyed as the service names the fields. */
export function contractErrors(form: ContractForm, opts: { sme?: boolean } = {}): Record<string, string> {
  const errors: Record<string, string> = {}
  const basisField = form.basis?.kind === 'application' ? 'matter_application_id' : 'award_id'
  if (!form.basis) errors.award_id = '请选择中标（成交）结果，或已批准的事前申请'
  if (!form.title.trim()) errors.title = '请填写合同名称'
  else if (form.title.trim().length > 500) errors.title = '合同名称不能超过 500 个字'
  if (!form.supplier_id) errors.supplier_id = '请选择合同相对方（供应商）'
  else if (form.basis?.kind === 'award' && form.basis.supplier_id && form.supplier_id !== form.basis.supplier_id)
    errors.supplier_id = `合同相对方须为中标（成交）供应商${form.basis.supplier_name ? `：${form.basis.supplier_name}` : ''}`
  const bad = amountError(form.amount)
  const amount = cents(form.amount.trim())
  if (bad) errors.amount = bad
  else if (form.basis && amount !== null) {
    const ceiling = cents(form.basis.ceiling)
    if (form.basis.kind === 'application' && amount >= cents(CONTRACT_POLICY.directContractBelow)!)
      errors.amount = `达到 ${money(CONTRACT_POLICY.directContractBelow)} 元的支出须先经采购程序确定供应商，不能依据事前申请直接签订合同`
    else if (ceiling !== null && amount > ceiling)
      errors.amount =
        form.basis.kind === 'award'
          ? `合同金额不得超过中标（成交）金额 ${money(form.basis.ceiling)} 元（超出 ${money(fromCents(amount - ceiling))} 元）`
          : `合同金额不得超过事前申请批准的金额 ${money(form.basis.ceiling)} 元`
  }
  if (!DATE_PATTERN.test(form.start_date)) errors.start_date = '请选择合同开始日期'
  if (!DATE_PATTERN.test(form.end_date)) errors.end_date = '请选择合同终止日期'
  else if (!errors.start_date && form.end_date < form.start_date) errors.end_date = '合同终止日期不得早于开始日期'
  if (!form.purchaser.trim()) errors.purchaser = '请填写采购经办人（用户名）'
  Object.assign(errors, milestoneErrors(form.milestones, form.amount, opts.sme))
  const terms = termsSummary(form.milestones, form.amount)
  if (!errors.amount && terms.total !== null && !terms.addsUp && !Object.keys(errors).some((k) => k.startsWith('milestones')))
    errors.milestones = `付款节点合计须等于合同金额：合计 ${money(terms.total)} 元，合同金额 ${money(form.amount)} 元，相差 ${money(terms.difference)} 元`
  if (cents(terms.retention)! > 0n) {
    if (!DATE_PATTERN.test(form.warranty_end)) errors.warranty_end = `约定质保金（${money(terms.retention)} 元）的合同须载明质保期届满日期`
    else if (DATE_PATTERN.test(form.start_date) && form.warranty_end <= form.start_date)
      errors.warranty_end = '质保期届满日期须晚于合同开始日期'
    const cap = CONTRACT_POLICY.retentionMaxRate[form.basis?.category ?? '']
    if (cap !== undefined && amount && cents(terms.retention)! * 100n > amount * BigInt(cap))
      errors.milestones = `质保金比例不得超过 ${cap}%（${money(terms.retention)} 元）`
  }
  if (errors.award_id && basisField !== 'award_id') errors[basisField] = errors.award_id
  return errors
}

/** The request body of POST /contracts. */
export function contractBody(form: ContractForm): Record<string, unknown> {
  const basis = form.basis!
  const body: Record<string, unknown> = {
    [basis.kind === 'award' ? 'award_id' : 'matter_application_id']: basis.id,
    title: form.title.trim(),
    supplier_id: form.supplier_id,
    amount: form.amount.trim(),
    start_date: form.start_date,
    end_date: form.end_date,
    purchaser: form.purchaser.trim(),
    milestones: form.milestones.map((m) => {
      const out: Record<string, unknown> = { name: m.name.trim(), condition: m.condition }
      if (m.by === 'share') out.share = m.share.trim()
      else out.amount = m.amount.trim()
      if (m.condition === 'on_progress') out.progress = m.progress.trim()
      if (m.planned_date) out.planned_date = m.planned_date
      if (String(m.payment_days ?? '').trim()) out.payment_days = Number(m.payment_days)
      return out
    }),
  }
  if (form.warranty_end) body.warranty_end = form.warranty_end
  if (form.scope.trim()) body.scope = form.scope.trim()
  return body
}

// The contract service's refusals that name no field (409), placed at the field they are about.
export const CONTRACT_REFUSALS: RefusalFields = {
  contract_supplier_not_awarded: 'supplier_id',
  supplier_not_in_good_standing: 'supplier_id',
  contract_amount_exceeds_award: 'amount',
  contract_requires_procurement: 'amount',
  contract_exceeds_application: 'amount',
  application_not_approved: 'matter_application_id',
  matter_application_funds_procurement: 'matter_application_id',
  matter_application_claimed: 'matter_application_id',
  contract_unit_mismatch: 'award_id',
  terms_do_not_add_up: 'milestones',
  retention_exceeds_limit: 'milestones',
  payment_days_exceed_sme_limit: (d) => `milestones[${Number(d.milestone_no ?? 1) - 1}].payment_days`,
}

// ── acceptance (验收) ──
export const RESULTS: Record<string, string> = {
  passed: '合格',
  passed_with_remarks: '合格（有保留意见）',
  failed: '不合格',
}

export interface AcceptanceForm {
  milestone_no: number | null // null: a delivery (交付内容) rather than a payment milestone
  delivery: string
  result: string
  accepted_on: string
  members: string[]
  findings: string
}

export interface ContractFacts {
  amount: string
  signed_on: string | null
  drafter: string
  purchaser: string
  status: string
  milestones: Array<{ no: number; name: string; condition: string; amount: string }>
}

/** Who accepts: the acceptor (the person recording it) and the members named, each once. */
export function acceptancePeople(form: AcceptanceForm, acceptor: string): string[] {
  return [...new Set([acceptor, ...form.members].map((m) => m.trim()).filter(Boolean))]
}

/** The amount the acceptance is about: its milestone's, or the contract's for a delivery. */
export function acceptanceAmount(form: AcceptanceForm, contract: ContractFacts): string {
  const m = contract.milestones.find((x) => x.no === form.milestone_no)
  return m ? m.amount : contract.amount
}

/** Whether a committee must accept (the amount reaches the policy's), said before the members are named. */
export function committeeRequired(form: AcceptanceForm, contract: ContractFacts): boolean {
  return cents(acceptanceAmount(form, contract))! >= cents(CONTRACT_POLICY.acceptanceCommitteeFrom)!
}

export function acceptanceErrors(
  form: AcceptanceForm,
  contract: ContractFacts,
  acceptor: string,
  today: string,
  passedMilestones: number[] = [],
): Record<string, string> {
  const errors: Record<string, string> = {}
  if (contract.status !== 'signed') errors._form = '只有已签订、正在履行的合同可以验收'
  if (form.milestone_no === null) {
    if (!form.delivery.trim()) errors.delivery = '不针对付款节点的验收须写明验收的交付内容'
  } else {
    const m = contract.milestones.find((x) => x.no === form.milestone_no)
    if (!m) errors.milestone_no = '该付款节点不属于本合同'
    else if (m.condition !== 'on_acceptance') errors.milestone_no = `只有约定“验收合格后”付款的节点需要验收（节点 ${m.no}「${m.name}」为${CONDITIONS[m.condition] ?? m.condition}）`
    else if (passedMilestones.includes(m.no)) errors.milestone_no = `节点 ${m.no}「${m.name}」已验收合格，不得重复验收`
  }
  if (!RESULTS[form.result]) errors.result = '请选择验收结果'
  if (!DATE_PATTERN.test(form.accepted_on)) errors.accepted_on = '请选择验收日期'
  else if (form.accepted_on > today) errors.accepted_on = `验收日期不得晚于今天（${today}）`
  else if (contract.signed_on && form.accepted_on < contract.signed_on)
    errors.accepted_on = `验收日期不得早于合同签订日期（${contract.signed_on}）`
  if (form.result && form.result !== 'passed' && !form.findings.trim())
    errors.findings = '验收不合格或有保留意见的，须写明验收意见'
  const people = acceptancePeople(form, acceptor)
  const parties: Record<string, string> = { [contract.drafter]: '合同拟稿人', [contract.purchaser]: '采购经办人' }
  const conflicted = people.find((p) => parties[p])
  if (conflicted)
    errors[conflicted === acceptor ? '_form' : 'members'] =
      `${conflicted} 是本合同的${parties[conflicted]}，不能参加验收（不相容岗位相互分离）`
  else if (committeeRequired(form, contract) && people.length < CONTRACT_POLICY.acceptanceCommitteeSize)
    errors.members = `验收金额 ${money(acceptanceAmount(form, contract))} 元，达到 ${money(CONTRACT_POLICY.acceptanceCommitteeFrom)} 元，须由不少于 ${CONTRACT_POLICY.acceptanceCommitteeSize} 人的验收小组验收（含本人），现为 ${people.length} 人`
  return errors
}

export function acceptanceBody(form: AcceptanceForm, acceptor: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    result: form.result,
    accepted_on: form.accepted_on,
    members: acceptancePeople(form, acceptor),
    findings: form.findings.trim(),
  }
  if (form.milestone_no !== null) body.milestone_no = form.milestone_no
  else body.delivery = form.delivery.trim()
  return body
}

export const ACCEPTANCE_REFUSALS: RefusalFields = {
  acceptance_committee_required: 'members',
  sod_incompatible_roles: 'members',
  acceptance_milestone_not_on_acceptance: 'milestone_no',
  acceptance_already_passed: 'milestone_no',
  milestone_unknown: 'milestone_no',
}
