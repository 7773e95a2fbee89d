// After the contract is drafted: 进度确认, 作废, 变更, 解除（终止）; and a returned claim or payment request
// corrected and resubmitted. What the services would refuse, said at the field before anything is sent.
import { describe, expect, it } from 'vitest'
import {
  amendmentBody,
  amendmentErrors,
  cancelErrors,
  certifiable,
  milestonesReached,
  progressErrors,
  PROGRESS_REFUSALS,
  relieved,
  resubmitBody,
  resubmitErrors,
  terminationErrors,
  type AmendmentFacts,
  type ProgressFacts,
} from '@/lib/changeRules'
import { errorsOf } from '@/lib/formErrors'

const contract: ProgressFacts = {
  status: 'signed',
  drafter: 'clerk',
  signed_on: '2026-03-01',
  milestones: [
    { no: 1, name: '进度款', condition: 'on_progress', progress: '50' },
    { no: 2, name: '完工款', condition: 'on_progress', progress: '100' },
    { no: 3, name: '验收款', condition: 'on_acceptance', progress: null },
  ],
}
const TODAY = '2026-06-30'

describe('进度确认', () => {
  it('is offered only on a signed contract with a milestone paid by progress', () => {
    expect(certifiable(contract)).toBe(true)
    expect(certifiable({ ...contract, status: 'approved' })).toBe(false)
    expect(certifiable({ ...contract, milestones: [contract.milestones[2]] })).toBe(false)
  })

  it('refuses the drafter (合同拟稿 × 进度确认)', () => {
    const errors = progressErrors({ percent: '50', certified_on: '2026-06-01', remarks: '' }, contract, 'clerk', [], TODAY)
    expect(errors._form).toContain('不相容岗位相互分离')
    expect(progressErrors({ percent: '50', certified_on: '2026-06-01', remarks: '' }, contract, 'head', [], TODAY)).toEqual({})
  })

  it('never goes below the last certificate, nor before it or the signing, nor after today', () => {
    const earlier = [{ percent: '60', certified_on: '2026-05-01' }, { percent: '30', certified_on: '2026-04-01' }]
    const e = progressErrors({ percent: '55', certified_on: '2026-04-15', remarks: '' }, contract, 'head', earlier, TODAY)
    expect(e.percent).toContain('2026-05-01 已确认 60%')
    expect(e.certified_on).toContain('上一次确认日期（2026-05-01）')
    expect(progressErrors({ percent: '10', certified_on: '2026-02-01', remarks: '' }, contract, 'head', [], TODAY).certified_on).toContain('签订日期')
    expect(progressErrors({ percent: '10', certified_on: '2026-07-01', remarks: '' }, contract, 'head', [], TODAY).certified_on).toContain('晚于今天')
    for (const bad of ['0', '101', '12.34567', 'abc'])
      expect(progressErrors({ percent: bad, certified_on: TODAY, remarks: '' }, contract, 'head', [], TODAY).percent).toBeTruthy()
  })

  it('says which milestones the certificate is the first to reach', () => {
    expect(milestonesReached('50', contract, [])).toEqual([1])
    expect(milestonesReached('100', contract, [{ percent: '50', certified_on: '2026-04-01' }])).toEqual([2])
    expect(milestonesReached('49.9', contract, [])).toEqual([])
  })

  it("shows the service's refusal at its field", () => {
    const refusal = { code: 'conflict', message: '进度不得低于上次确认', details: { rule: 'progress_decreased' } }
    expect(errorsOf(refusal, PROGRESS_REFUSALS)).toEqual({ percent: '进度不得低于上次确认' })
  })
})

describe('作废', () => {
  it('needs the drafter, a contract never signed, and a reason', () => {
    expect(cancelErrors('', { status: 'draft', drafter: 'clerk' }, 'clerk')).toEqual({ reason: '请填写作废理由' })
    expect(cancelErrors('供应商放弃签约', { status: 'returned', drafter: 'clerk' }, 'clerk')).toEqual({})
    expect(cancelErrors('x', { status: 'signed', drafter: 'clerk' }, 'clerk')._form).toContain('尚未签订')
    expect(cancelErrors('x', { status: 'draft', drafter: 'clerk' }, 'head')._form).toContain('拟稿人')
  })
})

describe('变更', () => {
  const facts: AmendmentFacts = {
    status: 'signed',
    amount: '100000.00',
    original_amount: '100000.00',
    cumulative_increase: '4000.00',
    increase_limit: '10000.00',
    start_date: '2026-03-01',
    end_date: '2026-12-31',
    paid: '30000.00',
    pending: false,
  }
  it('keeps supplementary increases within 10 % of the original amount, all together', () => {
    expect(amendmentErrors({ reason: '增加数量', amount: '106000.00', end_date: '', scope: '' }, facts)).toEqual({})
    expect(amendmentErrors({ reason: '增加数量', amount: '106000.01', end_date: '', scope: '' }, facts).amount).toContain('超过原合同金额')
  })
  it('never below what was paid, ends after it starts, changes something, one at a time', () => {
    expect(amendmentErrors({ reason: 'r', amount: '29999.99', end_date: '', scope: '' }, facts).amount).toContain('已支付')
    expect(amendmentErrors({ reason: 'r', amount: '', end_date: '2026-01-01', scope: '' }, facts).end_date).toContain('开始日期')
    expect(amendmentErrors({ reason: 'r', amount: '100000', end_date: '2026-12-31', scope: '' }, facts).amount).toContain('至少变更')
    expect(amendmentErrors({ reason: '', amount: '', end_date: '', scope: '范围调整' }, facts)).toEqual({ reason: '请填写变更理由' })
    expect(amendmentErrors({ reason: 'r', amount: '', end_date: '2027-03-31', scope: '' }, { ...facts, pending: true })._form).toContain('审批中')
  })
  it('sends only what changes', () => {
    expect(amendmentBody({ reason: ' 延期 ', amount: '100000.00', end_date: '2027-03-31', scope: '' }, facts)).toEqual({ reason: '延期', end_date: '2027-03-31' })
  })
})

describe('解除（终止）', () => {
  const facts = { status: 'signed', amount: '100000.00', paid: '30000.00', signed_on: '2026-03-01' }
  it('settles between what was paid and the amount, and says what goes back to the line', () => {
    const form = { kind: 'rescission', terminated_on: '2026-06-01', reason: '供应商违约', settlement_amount: '' }
    expect(terminationErrors(form, facts, TODAY)).toEqual({})
    expect(relieved(form, facts)).toBe('70000.00')
    expect(relieved({ ...form, settlement_amount: '45000' }, facts)).toBe('55000.00')
    expect(terminationErrors({ ...form, settlement_amount: '20000' }, facts, TODAY).settlement_amount).toContain('不得低于已支付')
    expect(terminationErrors({ ...form, settlement_amount: '100000.01' }, facts, TODAY).settlement_amount).toContain('不得超过合同金额')
    expect(terminationErrors({ ...form, reason: ' ', terminated_on: '2026-02-01' }, facts, TODAY)).toMatchObject({
      reason: '请填写解除（终止）理由',
      terminated_on: '解除（终止）日期不得早于签订日期（2026-03-01）',
    })
  })
})

describe('重新提交', () => {
  const payment = { id: 'p1', status: 'returned', requester: 'clerk', title: '付款', amount: '5000.00', payee: { name: '甲公司', account_no: '6222', credit_code: '91X' } }
  it('only the requester, only a returned document', () => {
    const form = { title: '付款', amount: '5000.00', payee_name: '甲公司', payee_account_no: '6222' }
    expect(resubmitErrors(form, { status: 'returned', owner: 'clerk' }, 'clerk', true)).toEqual({})
    expect(resubmitErrors(form, { status: 'submitted', owner: 'clerk' }, 'clerk', true)._form).toContain('被退回')
    expect(resubmitErrors(form, { status: 'returned', owner: 'clerk' }, 'head', true)._form).toContain('本人')
    expect(resubmitErrors({ ...form, amount: '0', payee_account_no: '' }, { status: 'returned', owner: 'clerk' }, 'clerk', true)).toMatchObject({
      amount: expect.any(String),
      'payee.account_no': '请填写收款账号',
    })
  })
  it('sends only the corrections, the payee whole', () => {
    expect(resubmitBody({ title: '付款', amount: '5000', payee_name: '甲公司', payee_account_no: '6222' }, payment, true)).toEqual({})
    expect(resubmitBody({ title: '付款（更正）', amount: '4800.00', payee_name: '甲公司', payee_account_no: '6223' }, payment, true)).toEqual({
      title: '付款（更正）',
      amount: '4800.00',
      payee: { name: '甲公司', account_no: '6223', credit_code: '91X' },
    })
  })
})
