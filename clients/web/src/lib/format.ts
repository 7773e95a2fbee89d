// Display helpers: money as #,##0.00 from the API's decimal strings (never through a float), times in local time.

/** "1234567.5" → "1,234,567.50"; anything unreadable is shown as it came. */
export function money(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—'
  const text = String(value).trim()
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text)
  if (!m) return text
  const [, sign, whole, frac = ''] = m
  const cents = (frac + '00').slice(0, 2)
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`
}

/** Money text to cents as a BigInt: exact comparisons and sums without floating point. */
export function cents(value: string | number | null | undefined): bigint | null {
  const m = /^(-?)(\d{1,15})(?:\.(\d{1,2}))?$/.exec(String(value ?? '').trim())
  if (!m) return null
  const n = BigInt(m[2]) * 100n + BigInt(((m[3] ?? '') + '00').slice(0, 2))
  return m[1] ? -n : n
}

export function fromCents(n: bigint): string {
  const sign = n < 0n ? '-' : ''
  const abs = n < 0n ? -n : n
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

export function percent(rate: string | number | null | undefined): string {
  if (rate === null || rate === undefined || rate === '') return '—'
  return `${Number(rate).toFixed(2)}%`
}

export const DOCUMENT_TYPES: Record<string, string> = {
  matter_application: '事前申请',
  budget_adjustment: '预算调整',
  budget_override: '超预算审批',
  fiscal_year_reopen: '年度重新开放',
  procurement_application: '采购申请',
  contract: '合同',
  acceptance: '验收',
  expense_claim: '报销',
  payment_request: '支付申请',
}

export const ROUTE_STATUS: Record<string, string> = {
  in_progress: '审批中',
  approved: '已批准',
  rejected: '已驳回',
  returned: '已退回',
  withdrawn: '已撤回',
}

export const STEP_STATUS: Record<string, string> = {
  pending: '待审批',
  waiting: '未开始',
  approved: '已同意',
  rejected: '已驳回',
  returned: '已退回',
  skipped: '已跳过',
  cancelled: '已取消',
  reassigned: '已转办',
}

export const CONTROL_MODES: Record<string, string> = { block: '刚性控制', warn: '预警控制', tolerance: '容差控制' }

export const ROLES: Record<string, string> = {
  clerk: '经办人',
  unit_head: '部门负责人',
  finance: '财务审核',
  finance_reviewer: '财务审核',
  leader: '分管领导',
  leader_in_charge: '分管领导',
  principal: '主要领导',
  cashier: '出纳',
  accountant: '会计',
  inspector: '纪检监察',
  auditor: '内部审计',
  admin: '系统管理员',
}

export function label(map: Record<string, string>, key: string | null | undefined): string {
  if (!key) return '—'
  return map[key] ?? key
}

/** Yuan as a decimal string → 万元 for a chart axis (display only; tables show the exact amounts). */
export function wan(value: string | undefined): number {
  return Math.round(Number(value ?? 0) / 100) / 100
}
