// The contract form (合同登记) and the acceptance form (验收): what the contract service would refuse, said at the
// field before anything is sent.
import { describe, expect, it } from 'vitest'
import {
  acceptanceBody,
  acceptanceErrors,
  blankMilestone,
  committeeRequired,
  contractBody,
  contractErrors,
  resolveMilestones,
  termsSummary,
  type AcceptanceForm,
  type ContractFacts,
  type ContractForm,
  type MilestoneForm,
} from '@/lib/contractRules'
import { errorsOf } from '@/lib/formErrors'
import { CONTRACT_REFUSALS } from '@/lib/contractRules'

const m = (over: Partial<MilestoneForm>): MilestoneForm => ({ ...blankMilestone(), name: '节点', ...over })
const award = { kind: 'award' as const, id: 'aw-1', ceiling: '100000.00', supplier_id: 's-1', supplier_name: '新桥办公设备有限公司', category: 'goods' }
const form = (over: Partial<ContractForm> = {}): ContractForm => ({
  basis: award,
  title: '办公设备采购合同',
  supplier_id: 's-1',
  amount: '100000.00',
  start_date: '2026-03-01',
  end_date: '2026-12-31',
  warranty_end: '',
  purchaser: 'clerk',
  scope: '',
  milestones: [m({ name: '预付款', condition: 'on_signing', share: '30' }), m({ name: '验收款', share: '70' })],
  ...over,
})

describe('milestones resolved as the service resolves them', () => {
  it('rounds each share down to the fen and puts the remainder on the last share milestone', () => {
    const thirds = [m({ share: '33.3333' }), m({ share: '33.3333' }), m({ share: '33.3334' })]
    expect(resolveMilestones(thirds, '100.00')).toEqual([3333n, 3333n, 3334n])
    expect(termsSummary(thirds, '100.00')).toMatchObject({ total: '100.00', addsUp: true })
    // 1 % of 0.50 is half a fen: rounded down to nothing
    expect(resolveMilestones([m({ share: '1' }), m({ by: 'amount', amount: '0.49' })], '0.50')).toEqual([0n, 49n])
  })
  it('mixes fixed amounts and shares, and says what is missing', () => {
    const mixed = [m({ by: 'amount', amount: '20000.00' }), m({ share: '70' })]
    expect(termsSummary(mixed, '100000.00')).toEqual({ total: '90000.00', difference: '-10000.00', retention: '0.00', addsUp: false })
    expect(termsSummary([m({ share: '' })], '100000.00').total).toBeNull()
  })
  it('counts after-warranty milestones as retention', () => {
    const terms = [m({ share: '95' }), m({ condition: 'after_warranty', share: '5' })]
    expect(termsSummary(terms, '186000.00').retention).toBe('9300.00')
  })
})

describe('the contract form', () => {
  it('accepts a well-formed contract and sends what the service reads', () => {
    expect(contractErrors(form())).toEqual({})
    expect(contractBody(form())).toEqual({
      award_id: 'aw-1',
      title: '办公设备采购合同',
      supplier_id: 's-1',
      amount: '100000.00',
      start_date: '2026-03-01',
      end_date: '2026-12-31',
      purchaser: 'clerk',
      milestones: [
        { name: '预付款', condition: 'on_signing', share: '30' },
        { name: '验收款', condition: 'on_acceptance', share: '70' },
      ],
    })
  })
  it('refuses milestones that do not add up to the amount, with the figures', () => {
    const errors = contractErrors(form({ milestones: [m({ share: '30' }), m({ share: '60' })] }))
    expect(errors).toEqual({ milestones: '付款节点合计须等于合同金额：合计 90,000.00 元，合同金额 100,000.00 元，相差 -10,000.00 元' })
  })
  it('names each bad milestone field as the service does', () => {
    const errors = contractErrors(
      form({
        milestones: [
          m({ name: ' ', share: '0' }),
          m({ condition: 'on_progress', share: '101' }),
          m({ by: 'amount', amount: 'abc', payment_days: '90' }),
        ],
      }),
      { sme: true },
    )
    expect(errors['milestones[0].name']).toBe('请填写节点名称，如 预付款、验收款')
    expect(errors['milestones[0].share']).toBe('比例须大于 0 且不超过 100，最多四位小数')
    expect(errors['milestones[1].share']).toBe('比例须大于 0 且不超过 100，最多四位小数')
    expect(errors['milestones[1].progress']).toBe('按进度付款须约定进度比例（大于 0 且不超过 100%）')
    expect(errors['milestones[2].amount']).toContain('金额只能是数字')
    expect(errors['milestones[2].payment_days']).toContain('不得超过 60 天')
    expect(errors.milestones).toBeUndefined() // the sum is said once each milestone is readable
  })
  it('keeps the amount within the award, the counterparty the awarded supplier, the end after the start', () => {
    const errors = contractErrors(form({ amount: '120000.00', supplier_id: 's-2', end_date: '2026-02-01' }))
    expect(errors.amount).toBe('合同金额不得超过中标（成交）金额 100,000.00 元（超出 20,000.00 元）')
    expect(errors.supplier_id).toBe('合同相对方须为中标（成交）供应商：新桥办公设备有限公司')
    expect(errors.end_date).toBe('合同终止日期不得早于开始日期')
  })
  it('allows a contract without procurement only below the policy amount and within the application', () => {
    const application = { kind: 'application' as const, id: 'ma-1', ceiling: '60000.00' }
    const terms = [m({ share: '100' })]
    expect(contractErrors(form({ basis: application, amount: '50000.00', milestones: terms })).amount).toContain('须先经采购程序')
    expect(contractErrors(form({ basis: { ...application, ceiling: '30000.00' }, amount: '40000.00', milestones: terms })).amount).toBe(
      '合同金额不得超过事前申请批准的金额 30,000.00 元',
    )
    expect(contractBody(form({ basis: application, amount: '40000.00', milestones: terms })).matter_application_id).toBe('ma-1')
    expect(contractErrors(form({ basis: null })).award_id).toBe('请选择中标（成交）结果，或已批准的事前申请')
  })
  it('asks for the warranty end when there is retention, and caps works retention at 3 %', () => {
    const terms = [m({ share: '95' }), m({ condition: 'after_warranty', share: '5' })]
    expect(contractErrors(form({ milestones: terms })).warranty_end).toBe('约定质保金（5,000.00 元）的合同须载明质保期届满日期')
    expect(contractErrors(form({ milestones: terms, warranty_end: '2026-03-01' })).warranty_end).toBe('质保期届满日期须晚于合同开始日期')
    const works = form({ basis: { ...award, category: 'works' }, milestones: terms, warranty_end: '2027-12-31' })
    expect(contractErrors(works).milestones).toBe('质保金比例不得超过 3%（5,000.00 元）')
  })
  it('shows a refusal that names no field at the field its rule is about', () => {
    const refusal = {
      code: 'terms_do_not_add_up',
      message: '付款节点合计须等于合同金额：付款节点合计 90000.00 元',
      details: { rule: 'terms_do_not_add_up' },
      fields: {},
    }
    expect(errorsOf(refusal, CONTRACT_REFUSALS)).toEqual({ milestones: refusal.message })
    const sme = { code: 'payment_days_exceed_sme_limit', message: '…', details: { milestone_no: 2 }, fields: {} }
    expect(Object.keys(errorsOf(sme, CONTRACT_REFUSALS))).toEqual(['milestones[1].payment_days'])
    expect(errorsOf({ code: 'invalid_status_transition', message: '合同状态不允许此操作', details: {} }, CONTRACT_REFUSALS)).toEqual({
      _form: '合同状态不允许此操作',
    })
  })
})

describe('the acceptance form', () => {
  const contract: ContractFacts = {
    amount: '186000.00',
    signed_on: '2026-03-15',
    drafter: 'clerk_cgb',
    purchaser: 'clerk_cgb',
    status: 'signed',
    milestones: [
      { no: 1, name: '预付款', condition: 'on_signing', amount: '55800.00' },
      { no: 2, name: '验收款', condition: 'on_acceptance', amount: '130200.00' },
      { no: 3, name: '尾款', condition: 'on_acceptance', amount: '5000.00' },
    ],
  }
  const accept = (over: Partial<AcceptanceForm> = {}): AcceptanceForm => ({
    milestone_no: 2,
    delivery: '',
    result: 'passed',
    accepted_on: '2026-05-10',
    members: ['leader', 'head'],
    findings: '',
    ...over,
  })

  it('needs a committee of three (the acceptor counted) from the policy amount', () => {
    expect(committeeRequired(accept(), contract)).toBe(true)
    expect(acceptanceErrors(accept({ members: ['leader'] }), contract, 'head_cgb', '2026-11-28').members).toBe(
      '验收金额 130,200.00 元，达到 100,000.00 元，须由不少于 3 人的验收小组验收（含本人），现为 2 人',
    )
    expect(acceptanceErrors(accept({ members: ['leader', 'head', 'head_cgb'] }), contract, 'head_cgb', '2026-11-28')).toEqual({})
    // below the amount one person may accept
    expect(acceptanceErrors(accept({ milestone_no: 3, members: [] }), contract, 'head_cgb', '2026-11-28')).toEqual({})
  })
  it('keeps the drafter and the purchaser out of the acceptance', () => {
    expect(acceptanceErrors(accept({ members: ['clerk_cgb', 'leader'] }), contract, 'head_cgb', '2026-11-28').members).toBe(
      'clerk_cgb 是本合同的采购经办人，不能参加验收（不相容岗位相互分离）',
    )
    expect(acceptanceErrors(accept(), contract, 'clerk_cgb', '2026-11-28')._form).toContain('不能参加验收')
  })
  it('refuses a milestone not paid on acceptance, one already accepted, a date outside the contract, a failure without findings', () => {
    const errors = acceptanceErrors(accept({ milestone_no: 1, accepted_on: '2026-03-01', result: 'failed' }), contract, 'head_cgb', '2026-11-28')
    expect(errors.milestone_no).toContain('只有约定“验收合格后”付款的节点需要验收')
    expect(errors.accepted_on).toBe('验收日期不得早于合同签订日期（2026-03-15）')
    expect(errors.findings).toBe('验收不合格或有保留意见的，须写明验收意见')
    expect(acceptanceErrors(accept({ accepted_on: '2026-12-01' }), contract, 'head_cgb', '2026-11-28').accepted_on).toBe(
      '验收日期不得晚于今天（2026-11-28）',
    )
    expect(acceptanceErrors(accept(), contract, 'head_cgb', '2026-11-28', [2]).milestone_no).toBe('节点 2「验收款」已验收合格，不得重复验收')
    expect(acceptanceErrors(accept({ milestone_no: null }), contract, 'head_cgb', '2026-11-28').delivery).toBe(
      '不针对付款节点的验收须写明验收的交付内容',
    )
  })
  it('sends the members with the acceptor, each once', () => {
    expect(acceptanceBody(accept({ members: ['leader', ' head ', 'leader'] }), 'head_cgb')).toEqual({
      milestone_no: 2,
      result: 'passed',
      accepted_on: '2026-05-10',
      members: ['head_cgb', 'leader', 'head'],
      findings: '',
    })
  })
})
