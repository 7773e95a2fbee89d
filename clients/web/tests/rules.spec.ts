// The matter-application form's rules: what the clerk is told before submitting.
import { describe, expect, it } from 'vitest'
import { amountError, balanceAdvice, expenseBody, emptyExpense, standardAdvice, titleError } from '@/lib/rules'
import { cents, money } from '@/lib/format'
import { decisionError } from '@/lib/decision'

const line = (available: string, amount = '100000.00', control_mode = 'block') => ({
  id: '2026-DZB-30201-01',
  amount,
  available,
  control_mode,
  tolerance: '0.00',
})

describe('amount', () => {
  it('refuses empty, malformed, three decimals and zero, in Chinese', () => {
    expect(amountError('')).toBe('请填写金额')
    expect(amountError('12x')).toMatch(/^金额只能是数字/)
    expect(amountError('1.234')).toMatch(/两位小数/)
    expect(amountError('0.00')).toBe('金额必须大于零')
    expect(amountError('12000.5')).toBeNull()
  })
  it('formats #,##0.00 without floating point', () => {
    expect(money('1234567.5')).toBe('1,234,567.50')
    expect(money('0.1')).toBe('0.10')
    expect(cents('9999999999999.99')).toBe(999999999999999n)
  })
})

describe('title', () => {
  it('is required and bounded', () => {
    expect(titleError('  ')).toBe('请填写事项名称')
    expect(titleError('x'.repeat(201))).toMatch(/200/)
    expect(titleError('采购办公用品')).toBeNull()
  })
})

describe('balance advice', () => {
  it('says what remains after the application', () => {
    expect(balanceAdvice('12000', line('420000.00', '420000.00'))).toEqual({
      level: 'ok',
      message: '提交后剩余 408,000.00 元',
    })
  })
  it('refuses more than the balance under 刚性控制, quoting the excess', () => {
    const a = balanceAdvice('1000.01', line('1000.00'))
    expect(a?.level).toBe('error')
    expect(a?.message).toContain('超出可用余额 0.01 元')
  })
  it('only warns over the balance under 预警控制', () => {
    expect(balanceAdvice('2000', line('1000.00', '100000.00', 'warn'))?.level).toBe('warning')
  })
  it('warns when the line reaches 80 % or 95 % used', () => {
    expect(balanceAdvice('80000', line('100000.00'))?.message).toContain('达到 80% 预警线')
    expect(balanceAdvice('96000', line('100000.00'))?.message).toContain('达到 95% 预警线')
    expect(balanceAdvice('79999.99', line('100000.00'))?.level).toBe('ok')
  })
  it('says nothing without a line or a valid amount', () => {
    expect(balanceAdvice('12', null)).toBeNull()
    expect(balanceAdvice('abc', line('1.00'))).toBeNull()
  })
})

describe('expenditure standard advice', () => {
  const base = { within: true, exceeds: false, blocked: false, message: '符合支出标准', citation: '《会议费》第 1 版' }
  it('blocks what a 刚性 standard blocks and warns what it exceeds', () => {
    expect(standardAdvice({ ...base, within: false, exceeds: true, blocked: true, message: '超出…不能提交' })?.level).toBe('error')
    expect(standardAdvice({ ...base, within: false, exceeds: true, message: '超出' })?.level).toBe('warning')
  })
  it('warns near a limit (≥ 90 %), quoting the standard', () => {
    const items = [{ label: '综合定额（元/人·天）', limit: '55000.00', asked: '50000.00', excess: '0.00', exceeded: false }]
    const advice = standardAdvice({ ...base, items })
    expect(advice?.level).toBe('warning')
    expect(advice?.message).toContain('《会议费》第 1 版')
    expect(standardAdvice({ ...base, items: [{ ...items[0], asked: '40000.00' }] })?.level).toBe('ok')
  })
})

describe('expense section', () => {
  it('is sent only when complete, with the amount as text', () => {
    const e = emptyExpense()
    expect(expenseBody(e, '100')).toBeNull()
    Object.assign(e, { kind: 'meeting', expense_date: '2026-06-01', persons: 50, days: 2 })
    expect(expenseBody(e, ' 50000 ')).toEqual({
      kind: 'meeting',
      expense_date: '2026-06-01',
      details: { category: '三类', persons: 50, days: 2, amount: '50000' },
    })
  })
})

describe('decision', () => {
  const high = { id: 7, rule: 'split_purchase', severity: 'high', severity_label: '高', message: '疑似拆分', must_acknowledge: true, acknowledged: null }
  it('needs a reason to reject or return', () => {
    expect(decisionError('reject', ' ', [], [])).toBe('驳回必须填写理由')
    expect(decisionError('return', '', [], [])).toBe('退回必须填写理由')
    expect(decisionError('approve', '', [], [])).toBeNull()
  })
  it('needs every high warning acknowledged with a comment to approve', () => {
    expect(decisionError('approve', '', [high], [])).toMatch(/高风险预警/)
    expect(decisionError('approve', '', [high], [7])).toMatch(/须填写审批意见/)
    expect(decisionError('approve', '已核实非拆分', [high], [7])).toBeNull()
  })
})

import { transferError } from '@/lib/rules'
describe('transfer', () => {
  const from = { id: 'A', amount: '1000.00', available: '300.00' }
  it('takes no more than the source line has, and not from itself', () => {
    expect(transferError('300.01', from, 'B')).toBe('超出调出指标可用余额 300.00 元')
    expect(transferError('300.00', from, 'B')).toBeNull()
    expect(transferError('1', from, 'A')).toBe('调出指标与调入指标不能相同')
  })
})

import { transferKindWarning } from '@/lib/rules'
describe('transfer between basic and project lines', () => {
  it('is warned about before submitting', () => {
    const basic = { id: 'A', amount: '1', available: '1', expenditure_kind: 'basic' }
    expect(transferKindWarning(basic, { ...basic, id: 'B', expenditure_kind: 'project' })).toMatch(/基本支出与项目支出/)
    expect(transferKindWarning(basic, { ...basic, id: 'B' })).toBeNull()
  })
})

import { ApiError } from '@/api/client'
describe('error answers shown at the field', () => {
  it('reads details.fields and a single details.field', () => {
    const e = new ApiError(422, 'invalid_input', '输入有误', { fields: [{ field: 'details.category', reason: '取值不在允许范围内' }] })
    // under its whole path (as a form keys a nested field) and under its last name
    expect(e.fields).toEqual({ 'details.category': '取值不在允许范围内', category: '取值不在允许范围内' })
    const one = new ApiError(403, 'approval_delegation_scope', '代理人须与委托人同属一个单位', { field: 'delegate' })
    expect(one.fields).toEqual({ delegate: '代理人须与委托人同属一个单位' })
  })
})
