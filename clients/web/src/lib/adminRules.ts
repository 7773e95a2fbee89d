// 财务管理 (budget administration) form rules, pure so they are unit-tested (tests/adminRules.spec.ts): the
// budget line import's file (an .xlsx within the gateway's 10 MB), the control mode (services/budget: a line or
// an economic class of a year; tolerance needs a rate or an amount, not both; a reason, kept on the line's
// history), and the year close (a reason). The service decides; its refusals shown at the same fields.
import { amountError } from './rules'
import type { RefusalFields } from './formErrors'

export const IMPORT_MAX_BYTES = 10 * 1024 * 1024
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export function importFileError(file: { name: string; size: number } | null): string | null {
  if (!file) return '请选择要导入的 Excel 文件（.xlsx）'
  if (!/\.xlsx$/i.test(file.name)) return '只能导入 Excel 文件（.xlsx），请使用导入模板'
  if (file.size === 0) return '文件为空'
  if (file.size > IMPORT_MAX_BYTES) return '文件超过 10 MB，请拆分后分批导入'
  return null
}

/** A refused import's rows: (row, column, reason) as the service lists them, and whether the list is cut. */
export interface RowError {
  row: number
  column: string
  reason: string
}
export function importRowErrors(details: Record<string, unknown> | undefined): { rows: RowError[]; count: number; truncated: boolean } {
  const rows = Array.isArray(details?.errors) ? (details!.errors as RowError[]) : []
  return { rows, count: Number(details?.error_count ?? rows.length), truncated: Boolean(details?.truncated) }
}

export interface ControlForm {
  target: 'line' | 'class'
  budget_line_id: string
  economic_class: string
  fiscal_year: number
  control_mode: string
  tolerance_by: 'rate' | 'amount'
  tolerance_rate: string
  tolerance: string
  reason: string
}

const RATE = /^\d{1,3}(\.\d{1,2})?$/

export function controlErrors(form: ControlForm): Record<string, string> {
  const errors: Record<string, string> = {}
  if (form.target === 'line' && !form.budget_line_id.trim()) errors.budget_line_id = '请选择预算指标'
  if (form.target === 'class') {
    if (!/^\d{3,7}$/.test(form.economic_class.trim())) errors.economic_class = '请填写经济分类编码（3 至 7 位数字，如 302）'
    if (!(form.fiscal_year >= 2000 && form.fiscal_year <= 2100)) errors.fiscal_year = '请填写预算年度'
  }
  if (!['block', 'warn', 'tolerance'].includes(form.control_mode)) errors.control_mode = '请选择控制方式'
  if (form.control_mode === 'tolerance') {
    if (form.tolerance_by === 'rate') {
      const t = form.tolerance_rate.trim()
      if (!RATE.test(t) || !(Number(t) > 0) || Number(t) > 100) errors.tolerance_rate = '容差比例须大于 0 且不超过 100（%），最多两位小数'
    } else {
      const bad = amountError(form.tolerance)
      if (bad) errors.tolerance = bad
    }
  }
  if (!form.reason.trim()) errors.reason = '请填写变更原因（记入指标变更记录）'
  else if (form.reason.trim().length > 500) errors.reason = '变更原因不能超过 500 个字'
  return errors
}

export function controlBody(form: ControlForm): Record<string, unknown> {
  const body: Record<string, unknown> = { control_mode: form.control_mode, reason: form.reason.trim() }
  if (form.target === 'line') body.budget_line_id = form.budget_line_id.trim()
  else Object.assign(body, { economic_class: form.economic_class.trim(), fiscal_year: form.fiscal_year })
  if (form.control_mode === 'tolerance') {
    if (form.tolerance_by === 'rate') body.tolerance_rate = form.tolerance_rate.trim()
    else body.tolerance = form.tolerance.trim()
  }
  return body
}

export const CONTROL_REFUSALS: RefusalFields = {
  budget_line_not_found: 'budget_line_id',
  tolerance_required: 'tolerance_rate',
}

export const CLOSE_REFUSALS: RefusalFields = {
  fiscal_year_has_open_adjustments: '_form',
  fiscal_year_closed: '_form',
}

// ── 支出标准 (a new version of a standard in force: its limits and action, from a later day) ──
export const LIMIT_LABELS: Record<string, string> = {
  lodging: '住宿费（元/人·天）',
  meals: '伙食补助费（元/人·天）',
  transport: '市内交通费（元/人·天）',
  total: '综合定额（元/人·天）',
  meal_per_person: '接待用餐（元/人·餐）',
  accompany_min: '陪餐人数下限（人）',
  guests_per_accompany: '每几位来宾可增一人陪餐',
}
/** Limits that are head counts (integers), not money (services/budget/domain/standards.py RECEPTION_COUNT_FIELDS). */
export const COUNT_LIMITS = ['accompany_min', 'guests_per_accompany']
export const STANDARD_ACTIONS: Record<string, string> = { block: '刚性控制（超标拒绝）', flag: '超标预警（提示）' }

export interface StandardVersionForm {
  limits: Record<string, string>
  action: string
  effective_from: string
}

export function standardVersionErrors(form: StandardVersionForm, current: { effective_from: string }): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const [item, text] of Object.entries(form.limits)) {
    const t = String(text ?? '').trim()
    if (COUNT_LIMITS.includes(item)) {
      const min = item === 'guests_per_accompany' ? 1 : 0
      if (!/^\d{1,4}$/.test(t) || Number(t) < min) errors[`limits.${item}`] = `须为不小于 ${min} 的整数`
    } else {
      const bad = amountError(t)
      if (bad) errors[`limits.${item}`] = bad
    }
  }
  if (!['block', 'flag'].includes(form.action)) errors.action = '请选择超标处理方式'
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.effective_from)) errors.effective_from = '请选择生效日期'
  else if (form.effective_from <= current.effective_from)
    errors.effective_from = `新版本的生效日期须晚于现行版本的生效日期（${current.effective_from}）`
  return errors
}

export function standardVersionBody(code: string, form: StandardVersionForm): Record<string, unknown> {
  const limits: Record<string, string | number> = {}
  for (const [item, text] of Object.entries(form.limits))
    limits[item] = COUNT_LIMITS.includes(item) ? Number(String(text).trim()) : String(text).trim()
  return { code, limits, action: form.action, effective_from: form.effective_from }
}
