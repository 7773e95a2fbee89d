// The payment request form's rules (付款申请) and the cashier's execution (支付), pure so they are unit-tested
// (tests/paymentRules.spec.ts). They say before submitting what the payment gate would refuse
// (services/payment/domain/payment_request.py, docs/payments.md): the basis (a contract milestone whose
// condition is met, an approved expense claim, an approved matter application) and how much of it is left, the
// payee being the contract's party paid to an account the supplier registry holds, invoices issued by the
// payee and covering a contract payment, none on a claim's payment. Field keys are the service's
// (`basis.milestone_no`, `payee.account_no`, `invoices[0].issuer_credit_code`). The gate runs again on the
// server (and at execution), counting requests still in approval, which the form cannot see.
import { cents, fromCents, money } from './format'
import { amountError } from './rules'
import { type RefusalFields } from './formErrors'
import { CONDITIONS } from './contractRules'
import { invoiceBody, invoiceErrors, invoiceTotal, sameCode, type InvoiceForm } from './invoiceRules'

export const BASIS_TYPES: Record<string, string> = {
  contract_milestone: '合同付款节点',
  expense_claim: '已批准的报销单（报销付款）',
  matter_application: '已批准的事前申请',
}

export interface PaymentForm {
  title: string
  amount: string
  basis_type: string
  basis_id: string
  milestone_no: number | null
  payee: { name: string; credit_code: string; account_no: string }
  invoices: InvoiceForm[]
}

export function blankPayment(): PaymentForm {
  return {
    title: '',
    amount: '',
    basis_type: 'contract_milestone',
    basis_id: '',
    milestone_no: null,
    payee: { name: '', credit_code: '', account_no: '' },
    invoices: [],
  }
}

/** A milestone as the contract's execution reports it (GET /contracts/{id}/execution). */
export interface MilestoneState {
  no: number
  name: string
  condition: string
  amount: string
  paid: string
  unpaid: string
  payable: string
  met_on: string | null
  acceptance_failed?: boolean
}

/** What the form knows of the basis it picked. */
export interface BasisFacts {
  amount?: string // the claim's or the application's approved amount
  milestones?: MilestoneState[]
  remaining?: string // the contract's ceiling less what is paid
  party?: { name: string; credit_code: string } // the contract's supplier
  accounts?: string[] // the accounts the supplier registry holds for it today
}

const digits = (s: string) => s.normalize('NFKC').replace(/[\s\-‐‑‒–—―−﹘﹣]+/g, '')

/** What the chosen milestone allows now: refused (condition not met, failed acceptance) or up to its unpaid part. */
export function milestoneAdvice(m: MilestoneState | undefined): { level: 'ok' | 'error'; message: string } | null {
  if (!m) return null
  if (m.acceptance_failed) return { level: 'error', message: `节点 ${m.no}「${m.name}」验收不合格，不得付款` }
  if (!m.met_on)
    return {
      level: 'error',
      message:
        m.condition === 'after_warranty'
          ? `节点 ${m.no}「${m.name}」为质保金，质保期届满前不得支付`
          : `节点 ${m.no}「${m.name}」的付款条件（${CONDITIONS[m.condition] ?? m.condition}）尚未满足`,
    }
  if (cents(m.unpaid)! <= 0n) return { level: 'error', message: `节点 ${m.no}「${m.name}」已付清` }
  return { level: 'ok', message: `节点 ${m.no}「${m.name}」条件已于 ${m.met_on} 满足，未付 ${money(m.unpaid)} 元` }
}

export function paymentErrors(form: PaymentForm, facts: BasisFacts, today: string): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!form.title.trim()) errors.title = '请填写付款事由'
  const bad = amountError(form.amount)
  if (bad) errors.amount = bad
  const amount = bad ? null : cents(form.amount.trim())
  if (!BASIS_TYPES[form.basis_type]) errors['basis.type'] = '请选择付款依据'
  else if (!form.basis_id) errors['basis.id'] = `请选择${BASIS_TYPES[form.basis_type]}`
  if (!form.payee.name.trim()) errors['payee.name'] = '请填写收款人'
  if (!digits(form.payee.account_no)) errors['payee.account_no'] = '请填写收款账号'
  Object.assign(errors, invoiceErrors(form.invoices, today))

  if (form.basis_type === 'contract_milestone' && form.basis_id) {
    const m = facts.milestones?.find((x) => x.no === form.milestone_no)
    const advice = milestoneAdvice(m)
    if (form.milestone_no === null) errors['basis.milestone_no'] = '请选择付款节点'
    else if (!m) errors['basis.milestone_no'] = '该付款节点不属于本合同'
    else if (advice?.level === 'error') errors['basis.milestone_no'] = advice.message
    else if (amount !== null && amount > cents(m.unpaid)!)
      errors.amount = `付款金额不得超过付款节点的未付金额 ${money(m.unpaid)} 元`
    if (!errors.amount && amount !== null && facts.remaining && amount > cents(facts.remaining)!)
      errors.amount = `累计付款不得超过合同金额：尚未支付 ${money(facts.remaining)} 元`
    if (facts.party && !sameCode(form.payee.credit_code, facts.party.credit_code))
      errors['payee.credit_code'] = `收款人须为合同相对方 ${facts.party.name}（${facts.party.credit_code}）`
    if (facts.accounts && digits(form.payee.account_no) && !facts.accounts.some((a) => digits(a) === digits(form.payee.account_no)))
      errors['payee.account_no'] = facts.accounts.length
        ? '收款账号须为供应商在供应商库中现行登记的账号'
        : '供应商库中没有该供应商的银行账号：请先由财务登记'
    form.invoices.forEach((inv, i) => {
      const at = `invoices[${i}].issuer_credit_code`
      if (!errors[at] && form.payee.credit_code && !sameCode(inv.issuer_credit_code, form.payee.credit_code))
        errors[at] = '发票销售方须为收款人'
    })
    if (!form.invoices.length) errors.invoices = '合同付款须附发票'
    else if (amount !== null && cents(invoiceTotal(form.invoices))! < amount)
      errors.invoices = `发票金额合计 ${money(invoiceTotal(form.invoices))} 元，不得低于付款金额 ${money(fromCents(amount))} 元`
  } else if (form.basis_type === 'expense_claim' && form.basis_id) {
    if (form.invoices.length) errors.invoices = '报销付款不再填写发票：发票已随报销单登记'
    if (amount !== null && facts.amount && amount > cents(facts.amount)!)
      errors.amount = `累计付款不得超过报销单金额 ${money(facts.amount)} 元`
  } else if (form.basis_type === 'matter_application' && form.basis_id) {
    if (amount !== null && facts.amount && amount > cents(facts.amount)!)
      errors.amount = `累计付款不得超过事前申请批准的金额 ${money(facts.amount)} 元`
  }
  return errors
}

/** The request body of POST /payments. */
export function paymentBody(form: PaymentForm): Record<string, unknown> {
  const basis: Record<string, unknown> = { type: form.basis_type, id: form.basis_id }
  if (form.basis_type === 'contract_milestone') basis.milestone_no = form.milestone_no
  const payee: Record<string, string> = { name: form.payee.name.trim(), account_no: form.payee.account_no.trim() }
  if (form.payee.credit_code.trim()) payee.credit_code = form.payee.credit_code.trim()
  return {
    title: form.title.trim(),
    amount: form.amount.trim(),
    basis,
    payee,
    invoices: form.invoices.map(invoiceBody),
  }
}

// The payment gate's refusals (409), placed at the field they are about.
export const PAYMENT_REFUSALS: RefusalFields = {
  payment_condition_not_met: 'basis.milestone_no',
  acceptance_failed: 'basis.milestone_no',
  retention_before_warranty_end: 'basis.milestone_no',
  milestone_unknown: 'basis.milestone_no',
  payment_exceeds_milestone: 'amount',
  payment_exceeds_contract: 'amount',
  payment_exceeds_claim: 'amount',
  payment_exceeds_application: 'amount',
  budget_insufficient: 'amount',
  payee_not_contract_party: 'payee.credit_code',
  supplier_not_in_good_standing: 'payee.name',
  bank_account_not_registered: 'payee.account_no',
  invoice_issuer_not_payee: 'invoices',
  invoice_required: 'invoices',
  invoices_below_amount: 'invoices',
  invoice_already_used: 'invoices',
  invoice_duplicated: 'invoices',
  claim_invoices_on_claim: 'invoices',
  application_not_approved: 'basis.id',
  claim_not_approved: 'basis.id',
  claim_not_settled: 'basis.id',
  payment_unit_mismatch: 'basis.id',
  payment_contract_not_in_force: 'basis.id',
}

// ── execution (支付, the cashier) ──
export interface ExecuteForm {
  reference: string
  executed_on: string
}

export function executeErrors(form: ExecuteForm, payment: { status: string; approvers?: string[] }, cashier: { username: string; roles?: string[] }, today: string): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!(cashier.roles ?? []).includes('cashier')) errors._form = '只有出纳可以支付'
  else if ((payment.approvers ?? []).includes(cashier.username))
    errors._form = '您审批过这笔付款，不能再办理支付（付款审批与付款执行相互分离）'
  else if (payment.status !== 'approved') errors._form = '付款申请须经审批通过才能支付'
  const ref = form.reference.trim()
  if (!ref) errors.reference = '请填写银行（国库）支付凭证号'
  else if (ref.length > 64) errors.reference = '凭证号最多 64 个字符'
  if (form.executed_on && form.executed_on > today) errors.executed_on = `支付日期不能晚于今天（${today}）`
  return errors
}
