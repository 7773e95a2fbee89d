// The matter-application form's rules, pure so they are unit-tested (tests/rules.spec.ts) and shared by the
// web form. Messages are Chinese and say what to do; the server checks everything again.
import { cents, fromCents, money } from './format'

export const AMOUNT_PATTERN = /^\d{1,13}(\.\d{1,2})?$/
// The budget ledger warns at these shares of a line used (services/budget/LEDGER.md: 80 % and 95 %).
export const USAGE_WARNINGS = [95n, 80n]

export function amountError(text: string | null | undefined): string | null {
  const value = String(text ?? '').trim()
  if (!value) return '请填写金额'
  if (!AMOUNT_PATTERN.test(value)) return '金额只能是数字，最多 13 位整数、两位小数，如 1234.50'
  if (cents(value) === 0n) return '金额必须大于零'
  return null
}

export function titleError(text: string | null | undefined): string | null {
  const value = String(text ?? '').trim()
  if (!value) return '请填写事项名称'
  if (value.length > 200) return '事项名称不能超过 200 个字'
  return null
}

export interface LineBalance {
  id: string
  amount: string
  available: string
  expenditure_kind?: string
  pre_committed?: string
  committed?: string
  actual?: string
  control_mode?: string
  tolerance?: string
}

export type Level = 'ok' | 'warning' | 'error'
export interface Advice {
  level: Level
  message: string
}

/** What the budget line says about this amount: over the balance (refused under 刚性控制), or close to used up. */
export function balanceAdvice(amountText: string, line: LineBalance | null): Advice | null {
  if (!line) return null
  const amount = cents(amountText)
  const available = cents(line.available)
  const total = cents(line.amount)
  if (amount === null || available === null || amount <= 0n) return null
  if (amount > available) {
    const over = fromCents(amount - available)
    if (line.control_mode === 'warn')
      return { level: 'warning', message: `超出可用余额 ${money(over)} 元（预警控制：可以提交，审批时会提示）` }
    if (line.control_mode === 'tolerance') {
      const tolerance = cents(line.tolerance ?? '0') ?? 0n
      if (amount - available <= tolerance)
        return { level: 'warning', message: `超出可用余额 ${money(over)} 元，在容差 ${money(line.tolerance)} 元以内` }
    }
    return { level: 'error', message: `超出可用余额 ${money(over)} 元，刚性控制下不能提交；请调整金额或申请预算调整` }
  }
  if (total && total > 0n) {
    const usedAfter = total - available + amount
    const share = (usedAfter * 100n) / total
    for (const limit of USAGE_WARNINGS)
      if (share >= limit)
        return {
          level: 'warning',
          message: `提交后该指标已使用 ${share}%（达到 ${limit}% 预警线），剩余 ${money(fromCents(available - amount))} 元`,
        }
  }
  return { level: 'ok', message: `提交后剩余 ${money(fromCents(available - amount))} 元` }
}

export interface StandardCheck {
  within: boolean
  exceeds: boolean
  blocked: boolean
  message: string
  citation?: string
  items?: Array<{ label: string; limit: string; asked: string; excess: string; exceeded: boolean }>
}

/** The expenditure standard's answer as advice: blocked → error, exceeded → warning, else ok, quoting it. */
export function standardAdvice(check: StandardCheck | null): Advice | null {
  if (!check) return null
  if (check.blocked) return { level: 'error', message: check.message }
  if (check.exceeds) return { level: 'warning', message: check.message }
  // Within the standard but close to it (≥ 90 % of a limit): say so before it is submitted.
  for (const item of check.items ?? []) {
    const limit = cents(item.limit)
    const asked = cents(item.asked)
    if (limit && asked && limit > 0n && asked * 10n >= limit * 9n)
      return {
        level: 'warning',
        message: `接近支出标准：${item.label}限额 ${money(item.limit)} 元，本次 ${money(item.asked)} 元（${check.citation ?? ''}）`,
      }
  }
  return { level: 'ok', message: check.message }
}

export type ExpenseKind = 'meeting' | 'training' | 'reception' | 'travel'
export interface ExpenseForm {
  kind: ExpenseKind | ''
  expense_date: string
  category: string
  persons: number | null
  days: number | null
  guests: number | null
  accompany: number | null
  city_tier: string
  rank: string
  lodging: string
  meals: string
  transport: string
}

export function emptyExpense(): ExpenseForm {
  return {
    kind: '',
    expense_date: '',
    category: '三类',
    persons: null,
    days: null,
    guests: null,
    accompany: null,
    city_tier: '二类',
    rank: '其余人员',
    lodging: '',
    meals: '',
    transport: '',
  }
}

/** The `expense` section of the request, or null when no expense kind is picked or it is incomplete. */
export function expenseBody(e: ExpenseForm, amount: string): Record<string, unknown> | null {
  if (!e.kind || !e.expense_date) return null
  const amt = String(amount ?? '').trim()
  let details: Record<string, unknown>
  if (e.kind === 'meeting' || e.kind === 'training') {
    if (!e.persons || !e.days) return null
    details = { category: e.category, persons: e.persons, days: e.days, amount: amt }
  } else if (e.kind === 'reception') {
    if (!e.guests) return null
    details = { guests: e.guests, accompany: e.accompany ?? 0, meals: amt, amount: amt }
  } else {
    if (!e.persons || !e.days) return null
    details = {
      city_tier: e.city_tier,
      rank: e.rank,
      persons: e.persons,
      days: e.days,
      lodging: e.lodging || '0',
      meals: e.meals || '0',
      transport: e.transport || '0',
    }
  }
  return { kind: e.kind, expense_date: e.expense_date, details }
}

/** A transfer (调剂) takes from one line what it has: the amount may not exceed its available balance. */
export function transferError(amountText: string, from: LineBalance | null, toId: string): string | null {
  if (from && from.id === toId) return '调出指标与调入指标不能相同'
  const amount = cents(amountText)
  const available = from ? cents(from.available) : null
  if (amount !== null && available !== null && amount > available)
    return `超出调出指标可用余额 ${money(from!.available)} 元`
  return null
}

/** Basic (基本支出) and project (项目支出) lines are not transferred between unless a rule allows it: said
 *  before submitting, since the budget service refuses it by default. */
export function transferKindWarning(from: LineBalance | null, to: LineBalance | null): string | null {
  if (!from?.expenditure_kind || !to?.expenditure_kind || from.expenditure_kind === to.expenditure_kind) return null
  return '基本支出与项目支出之间一般不得相互调剂，除非另有规定允许；提交后可能被拒绝'
}
