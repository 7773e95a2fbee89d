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
