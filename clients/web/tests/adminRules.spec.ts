// 财务管理: the import's file, the control mode, what is sent.
import { describe, expect, it } from 'vitest'
import { controlBody, controlErrors, importFileError, importRowErrors, standardVersionBody, standardVersionErrors, type ControlForm } from '@/lib/adminRules'

const base: ControlForm = {
  target: 'line',
  budget_line_id: '2026-DZB-30201-01',
  economic_class: '',
  fiscal_year: 2026,
  control_mode: 'block',
  tolerance_by: 'rate',
  tolerance_rate: '',
  tolerance: '',
  reason: '年初批复',
}

describe('预算指标导入', () => {
  it('takes one .xlsx within 10 MB', () => {
    expect(importFileError(null)).toContain('请选择')
    expect(importFileError({ name: '指标.xls', size: 10 })).toContain('.xlsx')
    expect(importFileError({ name: '指标.xlsx', size: 0 })).toBe('文件为空')
    expect(importFileError({ name: '指标.XLSX', size: 10 * 1024 * 1024 + 1 })).toContain('10 MB')
    expect(importFileError({ name: '指标.xlsx', size: 2048 })).toBeNull()
  })
  it("lists a refused file's rows as the service gives them", () => {
    const details = { errors: [{ row: 3, column: '单位', reason: '单位不存在' }], error_count: 120, truncated: true }
    expect(importRowErrors(details)).toEqual({ rows: details.errors, count: 120, truncated: true })
    expect(importRowErrors(undefined)).toEqual({ rows: [], count: 0, truncated: false })
  })
})

describe('控制方式', () => {
  it('needs a line, or a class of a year, and a reason', () => {
    expect(controlErrors(base)).toEqual({})
    expect(controlErrors({ ...base, budget_line_id: '', reason: ' ' })).toEqual({
      budget_line_id: '请选择预算指标',
      reason: '请填写变更原因（记入指标变更记录）',
    })
    expect(controlErrors({ ...base, target: 'class', economic_class: '3a' }).economic_class).toContain('经济分类编码')
  })
  it('tolerance by a rate (0–100, two places) or an amount, one of them sent', () => {
    const t = { ...base, control_mode: 'tolerance' }
    expect(controlErrors({ ...t, tolerance_rate: '0' }).tolerance_rate).toContain('大于 0')
    expect(controlErrors({ ...t, tolerance_rate: '5.555' }).tolerance_rate).toBeTruthy()
    expect(controlErrors({ ...t, tolerance_by: 'amount', tolerance: '' }).tolerance).toBeTruthy()
    expect(controlBody({ ...t, tolerance_rate: '5' })).toEqual({
      control_mode: 'tolerance',
      reason: '年初批复',
      budget_line_id: '2026-DZB-30201-01',
      tolerance_rate: '5',
    })
    expect(controlBody({ ...base, target: 'class', economic_class: '302', tolerance_rate: '5' })).toEqual({
      control_mode: 'block',
      reason: '年初批复',
      economic_class: '302',
      fiscal_year: 2026,
    })
  })
})

describe('支出标准新版本', () => {
  const current = { effective_from: '2026-01-01' }
  it('money limits as amounts, head counts as integers, from a day after the version in force', () => {
    const form = { limits: { meal_per_person: '120', accompany_min: '3', guests_per_accompany: '3' }, action: 'block', effective_from: '2026-07-01' }
    expect(standardVersionErrors(form, current)).toEqual({})
    expect(standardVersionErrors({ ...form, limits: { meal_per_person: '0', accompany_min: '-1', guests_per_accompany: '0' }, effective_from: '2026-01-01' }, current)).toEqual({
      'limits.meal_per_person': expect.any(String),
      'limits.accompany_min': '须为不小于 0 的整数',
      'limits.guests_per_accompany': '须为不小于 1 的整数',
      effective_from: '新版本的生效日期须晚于现行版本的生效日期（2026-01-01）',
    })
    expect(standardVersionBody('RECEPTION-1', form)).toEqual({
      code: 'RECEPTION-1',
      limits: { meal_per_person: '120', accompany_min: 3, guests_per_accompany: 3 },
      action: 'block',
      effective_from: '2026-07-01',
    })
  })
})
