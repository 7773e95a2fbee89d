// The procurement application form: sums, the budget, and the chosen method against the live preview.
import { describe, expect, it } from 'vitest'
import { itemErrors, itemSum, justificationError, methodAdvice, total, type MethodPreview } from '@/lib/procurementRules'

const item = (over = {}) => ({ name: '台式计算机', category: 'goods', quantity: '10', unit: '台', unit_price: '5000.00', ...over })
const preview: MethodPreview = {
  tier: 'decentralised',
  amount: '500000.00',
  allowed: ['competitive_consultation', 'competitive_negotiation', 'invited_tender', 'open_tender', 'request_for_quotation'],
  justified: ['single_source'],
  default: 'request_for_quotation',
  default_label: '询价',
  explanation: '货物类采购预算 500000.00 元，分散采购（分散采购限额标准 100000.00 元，公开招标数额标准 2000000.00 元）',
}

describe('sums', () => {
  it('multiplies quantity by price and rounds half up to the cent, as the service does', () => {
    expect(itemSum(item())).toBe('50000.00')
    expect(itemSum(item({ quantity: '1.005', unit_price: '1.00' }))).toBe('1.01')
    expect(itemSum(item({ quantity: '3', unit_price: '0.333' }))).toBeNull()
  })
  it('adds the items into the budget, and has none while an item is incomplete', () => {
    expect(total([item(), item({ quantity: '2', unit_price: '1200.50' })])).toBe('52401.00')
    expect(total([item(), item({ quantity: '' })])).toBeNull()
  })
})

describe('items', () => {
  it('names each field in Chinese, keyed as the service names it', () => {
    expect(itemErrors([item()])).toEqual({})
    expect(itemErrors([item({ name: ' ', category: '', quantity: '0', unit_price: '-1' })])).toEqual({
      'items[0].name': '请填写品名',
      'items[0].category': '请选择品目类别',
      'items[0].quantity': '数量须大于零，最多三位小数',
      'items[0].unit_price': '单价须大于零，最多两位小数',
    })
    expect(itemErrors([])).toEqual({ items: '至少填写一项采购内容' })
  })
})

describe('the method', () => {
  it('refuses a weaker method at the field, quoting the rule', () => {
    const advice = methodAdvice(preview, 'self_procurement')!
    expect(advice.level).toBe('error')
    expect(advice.message).toContain('自行采购弱于规定的采购方式（应为询价或更强的方式）')
    expect(advice.message).toContain('分散采购限额标准 100000.00 元')
  })
  it('accepts an allowed one, and asks reasons for single source', () => {
    expect(methodAdvice(preview, 'open_tender')!.level).toBe('ok')
    expect(methodAdvice(preview, 'single_source')!.level).toBe('warning')
    expect(justificationError(preview, 'single_source', ' ')).toBe('选择单一来源须填写理由')
    expect(justificationError(preview, 'single_source', '专利产品，只有一家')).toBeNull()
    expect(justificationError(preview, 'open_tender', '')).toBeNull()
  })
  it('says nothing before the preview has answered', () => {
    expect(methodAdvice(null, 'open_tender')).toBeNull()
  })
})
