// The rules of what happens to a contract after it is drafted, pure so they are unit-tested
// (tests/changeRules.spec.ts): a progress certificate (进度确认, services/contract/domain/progress.py), 作废 of a
// contract never signed (contract.py `cancel`), an amendment (变更, amendments.py `propose`) and a termination
// (解除/终止, amendments.py `terminate`); and the resubmission of a returned expense claim or payment request
// (services/payment: resubmit_expense_claim, resubmit_payment). Each says at the field what the service would
// refuse; the service decides, and its refusals are shown at the same fields (the *_REFUSALS maps).
import { cents, fromCents, money } from './format'
import { amountError } from './rules'
import { DATE_PATTERN, type RefusalFields } from './formErrors'

const PERCENT_PATTERN = /^\d{1,3}(\.\d{1,4})?$/

/** The statuses from which the drafter may 作废 a contract (contract.py CANCELLABLE). */
export const CANCELLABLE = ['draft', 'returned', 'withdrawn']

// ── 进度确认 ──
export interface ProgressForm {
  percent: string
  certified_on: string
  remarks: string
}

export interface ProgressFacts {
  status: string
  drafter: string
  signed_on: string | null
  milestones: Array<{ no: number; name: string; condition: string; progress: string | null }>
}

export interface Certificate {
  percent: string
  certified_on: string
}

/** Whether the contract is certified at all: signed, with a milestone paid by progress. */
export function certifiable(c: ProgressFacts): boolean {
  return c.status === 'signed' && c.milestones.some((m) => m.condition === 'on_progress')
}

/** The certificate in force: the last by day, then by percentage (progress.py `latest`). */
export function latestCertificate(list: Certificate[]): Certificate | null {
  let best: Certificate | null = null
  for (const p of list)
    if (!best || p.certified_on > best.certified_on || (p.certified_on === best.certified_on && Number(p.percent) > Number(best.percent)))
      best = p
  return best
}

/** The on_progress milestones this percentage would be the first to reach (said before certifying). */
export function milestonesReached(percent: string, facts: ProgressFacts, earlier: Certificate[]): number[] {
  const p = Number(percent)
  const reached = Number(latestCertificate(earlier)?.percent ?? 0)
  if (!PERCENT_PATTERN.test(percent.trim()) || !(p > 0)) return []
  return facts.milestones
    .filter((m) => m.condition === 'on_progress' && m.progress !== null && reached < Number(m.progress) && Number(m.progress) <= p)
    .map((m) => m.no)
}

export function progressErrors(form: ProgressForm, facts: ProgressFacts, certifier: string, earlier: Certificate[], today: string): Record<string, string> {
  const errors: Record<string, string> = {}
  if (facts.status !== 'signed') errors._form = '只有已签订、正在履行的合同可以确认履行进度'
  else if (certifier === facts.drafter) errors._form = `不相容岗位相互分离：${certifier} 是本合同的拟稿人，不能确认其履行进度`
  const text = form.percent.trim()
  const before = latestCertificate(earlier)
  if (!text) errors.percent = '请填写确认的进度（%）'
  else if (!PERCENT_PATTERN.test(text) || !(Number(text) > 0) || Number(text) > 100) errors.percent = '进度须大于 0 且不超过 100，最多四位小数'
  else if (before && Number(text) < Number(before.percent))
    errors.percent = `进度不得低于上次确认：${before.certified_on} 已确认 ${Number(before.percent)}%`
  const floor = before && (!facts.signed_on || before.certified_on > facts.signed_on) ? before.certified_on : facts.signed_on
  if (!DATE_PATTERN.test(form.certified_on)) errors.certified_on = '请选择确认日期'
  else if (form.certified_on > today) errors.certified_on = `确认日期不得晚于今天（${today}）`
  else if (floor && form.certified_on < floor)
    errors.certified_on = before && floor === before.certified_on ? `确认日期不得早于上一次确认日期（${floor}）` : `确认日期不得早于合同签订日期（${floor}）`
  if (form.remarks.length > 2000) errors.remarks = '说明不能超过 2000 个字'
  return errors
}

export function progressBody(form: ProgressForm): Record<string, unknown> {
  return { percent: form.percent.trim(), certified_on: form.certified_on, remarks: form.remarks.trim() }
}

export const PROGRESS_REFUSALS: RefusalFields = {
  progress_decreased: 'percent',
  progress_percent_invalid: 'percent',
  progress_date_invalid: 'certified_on',
  progress_contract_not_signed: '_form',
  sod_incompatible_roles: '_form',
}

// ── 作废 ──
export function cancelErrors(reason: string, c: { status: string; drafter: string }, actor: string): Record<string, string> {
  const errors: Record<string, string> = {}
  if (c.drafter !== actor) errors._form = '只有合同拟稿人可以作废合同'
  else if (!CANCELLABLE.includes(c.status)) errors._form = '只有草稿、已退回、已撤回（尚未签订）的合同可以作废'
  if (!reason.trim()) errors.reason = '请填写作废理由'
  else if (reason.trim().length > 500) errors.reason = '作废理由不能超过 500 个字'
  return errors
}

export const CANCEL_REFUSALS: RefusalFields = {
  contract_cancel_reason_required: 'reason',
  contract_not_cancellable: '_form',
}

// ── 变更 ──
export interface AmendmentForm {
  reason: string
  amount: string // empty: unchanged
  end_date: string // empty: unchanged
  scope: string
}

export interface AmendmentFacts {
  status: string
  amount: string
  original_amount: string
  cumulative_increase: string
  increase_limit: string // the most all supplementary increases may add (政府采购法 第49条: 10 %)
  start_date: string
  end_date: string
  paid: string // paid and reserved: the amount may not fall below it
  pending: boolean // an amendment in approval: one at a time
}

/** What the amendment changes the amount by, in cents (0 when the amount is left as is or unreadable). */
export function amendmentDelta(form: AmendmentForm, facts: AmendmentFacts): bigint {
  const to = form.amount.trim() ? cents(form.amount.trim()) : null
  return to === null ? 0n : to - cents(facts.amount)!
}

export function amendmentErrors(form: AmendmentForm, facts: AmendmentFacts): Record<string, string> {
  const errors: Record<string, string> = {}
  if (facts.status !== 'signed') errors._form = '只有已签订、正在履行的合同可以变更'
  else if (facts.pending) errors._form = '本合同已有一项变更在审批中，审批完成后才能再提出变更'
  if (!form.reason.trim()) errors.reason = '请填写变更理由'
  else if (form.reason.trim().length > 500) errors.reason = '变更理由不能超过 500 个字'
  const amountText = form.amount.trim()
  if (amountText) {
    const bad = amountError(amountText)
    if (bad) errors.amount = bad
    else {
      const to = cents(amountText)!
      const delta = to - cents(facts.amount)!
      const after = cents(facts.cumulative_increase)! + (delta > 0n ? delta : 0n)
      if (to < cents(facts.paid)!) errors.amount = `变更后金额不得低于已支付（含审批中）的 ${money(facts.paid)} 元`
      else if (delta > 0n && after > cents(facts.increase_limit)!)
        errors.amount = `累计追加 ${money(fromCents(after))} 元，超过原合同金额 ${money(facts.original_amount)} 元的 10%（${money(facts.increase_limit)} 元）；超出部分须另行采购`
    }
  }
  if (form.end_date) {
    if (!DATE_PATTERN.test(form.end_date)) errors.end_date = '日期格式应为 YYYY-MM-DD'
    else if (form.end_date < facts.start_date) errors.end_date = `合同终止日期不得早于开始日期（${facts.start_date}）`
  }
  if (form.scope.length > 2000) errors.scope = '变更内容不能超过 2000 个字'
  const same = (!amountText || (cents(amountText) !== null && cents(amountText) === cents(facts.amount))) && (!form.end_date || form.end_date === facts.end_date)
  if (same && !form.scope.trim() && !errors.amount && !errors.end_date) errors.amount = '请至少变更金额、期限或范围中的一项'
  return errors
}

export function amendmentBody(form: AmendmentForm, facts: AmendmentFacts): Record<string, unknown> {
  const body: Record<string, unknown> = { reason: form.reason.trim() }
  if (form.amount.trim() && cents(form.amount.trim()) !== cents(facts.amount)) body.amount = form.amount.trim()
  if (form.end_date && form.end_date !== facts.end_date) body.end_date = form.end_date
  if (form.scope.trim()) body.scope = form.scope.trim()
  return body
}

export const AMENDMENT_REFUSALS: RefusalFields = {
  amendment_reason_required: 'reason',
  amendment_without_change: 'amount',
  contract_amount_not_positive: 'amount',
  amount_below_paid: 'amount',
  supplementary_exceeds_limit: 'amount',
  new_procurement_other_supplier: 'amount',
  new_procurement_insufficient: 'amount',
  new_procurement_other_line: 'amount',
  contract_term_invalid: 'end_date',
  terms_do_not_add_up: 'amount',
  amendment_pending: '_form',
  contract_not_in_force: '_form',
}

export const AMENDMENT_STATUS: Record<string, string> = { submitted: '审批中', approved: '已生效', rejected: '未通过' }

// ── 解除/终止 ──
export const TERMINATION_KINDS: Record<string, string> = { rescission: '解除（违约或协商一致）', termination: '终止' }

export interface TerminationForm {
  kind: string
  terminated_on: string
  reason: string
  settlement_amount: string // empty: what has been paid
}

export function terminationErrors(form: TerminationForm, facts: { status: string; amount: string; paid: string; signed_on: string | null }, today: string): Record<string, string> {
  const errors: Record<string, string> = {}
  if (facts.status !== 'signed') errors._form = '只有已签订、正在履行的合同可以解除或终止'
  if (!TERMINATION_KINDS[form.kind]) errors.kind = '请选择解除或终止'
  if (!DATE_PATTERN.test(form.terminated_on)) errors.terminated_on = '请选择解除（终止）日期'
  else if (form.terminated_on > today) errors.terminated_on = `解除（终止）日期不得晚于今天（${today}）`
  else if (facts.signed_on && form.terminated_on < facts.signed_on) errors.terminated_on = `解除（终止）日期不得早于签订日期（${facts.signed_on}）`
  if (!form.reason.trim()) errors.reason = '请填写解除（终止）理由'
  else if (form.reason.trim().length > 500) errors.reason = '理由不能超过 500 个字'
  const s = form.settlement_amount.trim()
  if (s) {
    const bad = amountError(s)
    if (bad && cents(s) !== 0n) errors.settlement_amount = bad
    else if (cents(s)! < cents(facts.paid)!) errors.settlement_amount = `结算金额不得低于已支付（含审批中）的 ${money(facts.paid)} 元`
    else if (cents(s)! > cents(facts.amount)!) errors.settlement_amount = `结算金额不得超过合同金额 ${money(facts.amount)} 元`
  }
  return errors
}

/** What goes back to the budget line: the amount beyond the settlement (by default beyond what was paid). */
export function relieved(form: TerminationForm, facts: { amount: string; paid: string }): string | null {
  const s = form.settlement_amount.trim() ? cents(form.settlement_amount.trim()) : cents(facts.paid)
  if (s === null) return null
  const r = cents(facts.amount)! - s
  return r >= 0n ? fromCents(r) : null
}

export function terminationBody(form: TerminationForm): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: form.kind, terminated_on: form.terminated_on, reason: form.reason.trim() }
  if (form.settlement_amount.trim()) body.settlement_amount = form.settlement_amount.trim()
  return body
}

export const TERMINATION_REFUSALS: RefusalFields = {
  settlement_invalid: 'settlement_amount',
  amendment_reason_required: 'reason',
  contract_not_in_force: '_form',
}

// ── 重新提交（被退回的报销单、付款申请） ──
export interface ResubmitForm {
  title: string
  amount: string // payment requests only (a claim's amount follows its detail)
  payee_name: string
  payee_account_no: string
}

export function resubmitErrors(form: ResubmitForm, doc: { status: string; owner: string }, actor: string, withPayee: boolean): Record<string, string> {
  const errors: Record<string, string> = {}
  if (doc.owner !== actor) errors._form = '只有申请人本人可以重新提交'
  else if (doc.status !== 'returned') errors._form = '只有被退回的单据可以修改后重新提交'
  if (!form.title.trim()) errors.title = '请填写事由'
  else if (form.title.trim().length > 500) errors.title = '事由不能超过 500 个字'
  if (withPayee) {
    const bad = amountError(form.amount)
    if (bad) errors.amount = bad
    if (!form.payee_name.trim()) errors['payee.name'] = '请填写收款人'
    if (!form.payee_account_no.trim()) errors['payee.account_no'] = '请填写收款账号'
    else if (form.payee_account_no.trim().length > 40) errors['payee.account_no'] = '收款账号不能超过 40 位'
  }
  return errors
}

/** The body of the resubmission: only what changed (a field left out stays as it was on the server). */
export function resubmitBody(form: ResubmitForm, doc: Record<string, any>, withPayee: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  if (form.title.trim() !== doc.title) body.title = form.title.trim()
  if (withPayee) {
    if (cents(form.amount.trim()) !== cents(doc.amount)) body.amount = form.amount.trim()
    const payee = doc.payee ?? {}
    if (form.payee_name.trim() !== payee.name || form.payee_account_no.trim() !== payee.account_no)
      body.payee = {
        name: form.payee_name.trim(),
        account_no: form.payee_account_no.trim(),
        ...(payee.credit_code ? { credit_code: payee.credit_code } : {}),
      }
  }
  return body
}

export const RESUBMIT_REFUSALS: RefusalFields = {
  expense_claim_not_returned: '_form',
  payment_not_returned: '_form',
}
