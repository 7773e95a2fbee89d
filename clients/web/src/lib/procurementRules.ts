// The procurement application form's rules (采购申请), pure so they are unit-tested
// (tests/procurementRules.spec.ts): each item's sum, the budget, what the live method preview means for the
// chosen method. The procurement service decides; this only says it at the field, before submitting.
import { cents, fromCents } from './format'
import { AMOUNT_PATTERN } from './rules'

export const QUANTITY_PATTERN = /^\d{1,12}(\.\d{1,3})?$/
export const CATEGORIES: Record<string, string> = { goods: '货物', services: '服务', works: '工程' }
export const METHODS: Record<string, string> = {
  open_tender: '公开招标',
  invited_tender: '邀请招标',
  competitive_negotiation: '竞争性谈判',
  competitive_consultation: '竞争性磋商',
  request_for_quotation: '询价',
  single_source: '单一来源',
  framework_agreement: '框架协议',
  self_procurement: '自行采购',
}

export interface Item {
  name: string
  category: string
  quantity: string
  unit: string
  unit_price: string
  catalogue_code?: string
}

/** quantity × unit price in cents, rounded half up as the service does; null while either is not a number. */
export function itemCents(item: Pick<Item, 'quantity' | 'unit_price'>): bigint | null {
  const q = String(item.quantity ?? '').trim()
  const price = cents(String(item.unit_price ?? '').trim())
  if (!QUANTITY_PATTERN.test(q) || price === null) return null
  const [whole, frac = ''] = q.split('.')
  const thousandths = BigInt(whole) * 1000n + BigInt((frac + '000').slice(0, 3))
  return (thousandths * price + 500n) / 1000n
}

export function itemSum(item: Item): string | null {
  const c = itemCents(item)
  return c === null ? null : fromCents(c)
}

/** The procurement budget: the items' sums added; null while an item is incomplete. */
export function total(items: Item[]): string | null {
  let sum = 0n
  for (const item of items) {
    const c = itemCents(item)
    if (c === null) return null
    sum += c
  }
  return fromCents(sum)
}

/** Field errors of one item, keyed as the service names them (items[i].field). */
export function itemErrors(items: Item[]): Record<string, string> {
  const errors: Record<string, string> = {}
  items.forEach((item, i) => {
    if (!item.name.trim()) errors[`items[${i}].name`] = '请填写品名'
    if (!CATEGORIES[item.category]) errors[`items[${i}].category`] = '请选择品目类别'
    const q = String(item.quantity ?? '').trim()
    if (!q) errors[`items[${i}].quantity`] = '请填写数量'
    else if (!QUANTITY_PATTERN.test(q) || /^0+(\.0+)?$/.test(q))
      errors[`items[${i}].quantity`] = '数量须大于零，最多三位小数'
    const p = String(item.unit_price ?? '').trim()
    if (!p) errors[`items[${i}].unit_price`] = '请填写单价'
    else if (!AMOUNT_PATTERN.test(p) || cents(p) === 0n) errors[`items[${i}].unit_price`] = '单价须大于零，最多两位小数'
  })
  if (!items.length) errors.items = '至少填写一项采购内容'
  return errors
}

export interface MethodPreview {
  tier: string
  amount: string
  allowed: string[]
  justified: string[]
  default: string
  default_label?: string
  explanation: string
  market_research?: boolean
  intention_required?: boolean
}

export interface MethodAdvice {
  level: 'ok' | 'warning' | 'error'
  message: string
}

/** What the rule says about the chosen method, quoting it: refused (weaker), needs reasons, or fine. */
export function methodAdvice(preview: MethodPreview | null, method: string): MethodAdvice | null {
  if (!preview || !method) return null
  const name = METHODS[method] ?? method
  if (preview.justified.includes(method))
    return {
      level: 'warning',
      message: `${name}须说明理由，并增加一个审批环节。依据：${preview.explanation}`,
    }
  if (!preview.allowed.includes(method)) {
    const required = preview.default_label ?? METHODS[preview.default] ?? preview.default
    return {
      level: 'error',
      message: `${name}弱于规定的采购方式（应为${required}或更强的方式）。依据：${preview.explanation}`,
    }
  }
  return { level: 'ok', message: `${name}符合规定。依据：${preview.explanation}` }
}

export function justificationError(preview: MethodPreview | null, method: string, justification: string): string | null {
  if (preview?.justified.includes(method) && !justification.trim())
    return `选择${METHODS[method] ?? method}须填写理由`
  return null
}
