// The payment request form (付款申请) and the cashier's execution (支付): the gate's rules said at the field.
import { describe, expect, it } from 'vitest'
import {
  blankPayment,
  executeErrors,
  milestoneAdvice,
  paymentBody,
  paymentErrors,
  PAYMENT_REFUSALS,
  type BasisFacts,
  type MilestoneState,
  type PaymentForm,
} from '@/lib/paymentRules'
import { errorsOf } from '@/lib/formErrors'
import type { InvoiceForm } from '@/lib/invoiceRules'

const TODAY = '2026-11-28'
const CODE = '911101050000730158'
const OTHER = '911101050000730233' // another valid code: deploy/seed/procurement.py code_for(2)
const invoice = (over: Partial<InvoiceForm> = {}): InvoiceForm => ({
  number: '26442000000123456789',
  code: '',
  issued_on: '2026-11-20',
  issuer_credit_code: CODE,
  amount: '47600.00',
  tax: '0.00',
  ...over,
})
const milestone = (over: Partial<MilestoneState> = {}): MilestoneState => ({
  no: 2,
  name: '验收款',
  condition: 'on_acceptance',
  amount: '47600.00',
  paid: '0.00',
  unpaid: '47600.00',
  payable: '47600.00',
  met_on: '2026-11-20',
  ...over,
})
const facts = (over: Partial<BasisFacts> = {}): BasisFacts => ({
  milestones: [milestone({ no: 1, name: '预付款', condition: 'on_signing', amount: '20400.00', unpaid: '20400.00' }), milestone()],
  remaining: '68000.00',
  party: { name: '安达建筑装饰工程有限公司', credit_code: CODE },
  accounts: ['6222 0000 1111 2222 333'],
  ...over,
})
const form = (over: Partial<PaymentForm> = {}): PaymentForm => ({
  ...blankPayment(),
  title: '市政设施维修合同验收款',
  amount: '47600.00',
  basis_id: 'c-1',
  milestone_no: 2,
  payee: { name: '安达建筑装饰工程有限公司', credit_code: CODE, account_no: '6222000011112222333' },
  invoices: [invoice()],
  ...over,
})

describe('a contract payment', () => {
  it('passes when the milestone is met, the payee is the party at a registered account, invoices cover it', () => {
    expect(paymentErrors(form(), facts(), TODAY)).toEqual({})
    expect(paymentBody(form())).toMatchObject({
      basis: { type: 'contract_milestone', id: 'c-1', milestone_no: 2 },
      payee: { name: '安达建筑装饰工程有限公司', credit_code: CODE, account_no: '6222000011112222333' },
      invoices: [{ number: '26442000000123456789', amount: '47600.00' }],
    })
  })
  it('refuses a milestone whose condition is not met, retention before the warranty ends, more than is unpaid', () => {
    const unmet = facts({ milestones: [milestone({ met_on: null })] })
    expect(paymentErrors(form(), unmet, TODAY)['basis.milestone_no']).toBe('节点 2「验收款」的付款条件（验收合格后）尚未满足')
    const retention = facts({ milestones: [milestone({ condition: 'after_warranty', name: '质保金', met_on: null })] })
    expect(milestoneAdvice(retention.milestones![0])!.message).toBe('节点 2「质保金」为质保金，质保期届满前不得支付')
    const errors = paymentErrors(form({ amount: '50000.00', invoices: [invoice({ amount: '50000.00' })] }), facts(), TODAY)
    expect(errors.amount).toBe('付款金额不得超过付款节点的未付金额 47,600.00 元')
  })
  it('refuses another payee, an unregistered account, invoices of another issuer or short of the amount', () => {
    const errors = paymentErrors(
      form({
        payee: { name: '别的公司', credit_code: OTHER, account_no: '6222 9999' },
        invoices: [invoice({ amount: '40000.00' })],
      }),
      facts(),
      TODAY,
    )
    expect(errors['payee.credit_code']).toBe(`收款人须为合同相对方 安达建筑装饰工程有限公司（${CODE}）`)
    expect(errors['payee.account_no']).toBe('收款账号须为供应商在供应商库中现行登记的账号')
    expect(errors['invoices[0].issuer_credit_code']).toBe('发票销售方须为收款人')
    expect(errors.invoices).toBe('发票金额合计 40,000.00 元，不得低于付款金额 47,600.00 元')
    expect(paymentErrors(form({ invoices: [] }), facts(), TODAY).invoices).toBe('合同付款须附发票')
    expect(paymentErrors(form(), facts({ accounts: [] }), TODAY)['payee.account_no']).toBe('供应商库中没有该供应商的银行账号：请先由财务登记')
  })
  it('shows the gate\'s refusals at their field', () => {
    const refused = { code: 'bank_account_not_registered', message: '收款账号须为……', details: { rule: 'bank_account_not_registered' }, fields: {} }
    expect(errorsOf(refused, PAYMENT_REFUSALS)).toEqual({ 'payee.account_no': refused.message })
  })
})

describe('a claim or application payment', () => {
  it('carries no invoices and stays within the claim', () => {
    const claim = form({ basis_type: 'expense_claim', basis_id: 'bx-1', milestone_no: null, amount: '2000.00' })
    const errors = paymentErrors(claim, { amount: '1940.00' }, TODAY)
    expect(errors).toEqual({ invoices: '报销付款不再填写发票：发票已随报销单登记', amount: '累计付款不得超过报销单金额 1,940.00 元' })
    expect(paymentBody({ ...claim, invoices: [] }).basis).toEqual({ type: 'expense_claim', id: 'bx-1' })
  })
  it('stays within the application', () => {
    const app = form({ basis_type: 'matter_application', basis_id: 'ma-1', milestone_no: null, invoices: [] })
    expect(paymentErrors(app, { amount: '30000.00' }, TODAY).amount).toBe('累计付款不得超过事前申请批准的金额 30,000.00 元')
  })
  it('asks for the basis and the payee', () => {
    const errors = paymentErrors(form({ basis_id: '', payee: { name: '', credit_code: '', account_no: ' ' }, invoices: [] }), {}, TODAY)
    expect(errors['basis.id']).toBe('请选择合同付款节点')
    expect(errors['payee.name']).toBe('请填写收款人')
    expect(errors['payee.account_no']).toBe('请填写收款账号')
  })
})

describe('the cashier pays', () => {
  const approved = { status: 'approved', approvers: ['head_cgb', 'finance'] }
  it('only a cashier who did not approve it, once approved, with the reference', () => {
    const cashier = { username: 'cashier', roles: ['cashier'] }
    expect(executeErrors({ reference: 'ZF-20261128-01', executed_on: '' }, approved, cashier, TODAY)).toEqual({})
    expect(executeErrors({ reference: ' ', executed_on: '2026-12-01' }, approved, cashier, TODAY)).toEqual({
      reference: '请填写银行（国库）支付凭证号',
      executed_on: '支付日期不能晚于今天（2026-11-28）',
    })
    expect(executeErrors({ reference: 'x', executed_on: '' }, approved, { username: 'finance', roles: ['cashier'] }, TODAY)._form).toContain('付款审批与付款执行相互分离')
    expect(executeErrors({ reference: 'x', executed_on: '' }, approved, { username: 'clerk', roles: ['clerk'] }, TODAY)._form).toBe('只有出纳可以支付')
    expect(executeErrors({ reference: 'x', executed_on: '' }, { status: 'submitted' }, cashier, TODAY)._form).toBe('付款申请须经审批通过才能支付')
  })
})
