// The supplier analysis page: the chart's series and the most concentrated unit, named.
import { describe, expect, it } from 'vitest'
import { chartSeries, topUnit, type SupplierRow } from '@/lib/supplierAnalysis'

const row = (name: string, value: string, share: string, units: SupplierRow['units'] = []): SupplierRow => ({
  supplier_id: name,
  supplier_name: name,
  awards_count: 1,
  awards_value: value,
  share,
  max_unit_share: units[0]?.share ?? '0',
  units,
})

describe('supplier analysis', () => {
  it('charts the largest suppliers in 万元 and sums the rest', () => {
    const rows = [row('甲', '500000.00', '50.00'), row('乙', '300000.00', '30.00'), row('丙', '150000.00', '15.00'), row('丁', '50000.00', '5.00')]
    expect(chartSeries(rows, 2)).toEqual([
      { name: '甲', value_wan: 50, share: 50, count: 1 },
      { name: '乙', value_wan: 30, share: 30, count: 1 },
      { name: '其他 2 家供应商', value_wan: 20, share: 20, count: 2 },
    ])
    expect(chartSeries(rows)).toHaveLength(4)
  })
  it('names the unit where a supplier holds most', () => {
    const r = row('甲', '1.00', '1', [
      { unit: 'dzb', count: 1, value: '1.00', unit_total: '10.00', share: '10.00' },
      { unit: 'cgb', count: 2, value: '9.00', unit_total: '10.00', share: '90.00' },
    ])
    expect(topUnit(r, { cgb: '城市管理办公室' })).toEqual({ label: '城市管理办公室（cgb）', share: '90.00' })
    expect(topUnit(row('乙', '0', '0'), {})).toBeNull()
  })
})
