// The supplier analysis page's figures (供应商分析), from procurement's supplier analysis
// (GET /reports/suppliers; definitions in services/procurement/domain/analysis.py): per supplier its awards
// count and value, its share of all awards in the period, and its highest share of one unit's procurement
// (集中度, what risk watches). Pure, so the chart's series are unit-tested (tests/supplierAnalysis.spec.ts).
import { wan } from './format'

export interface SupplierRow {
  supplier_id: string
  supplier_name: string
  awards_count: number
  awards_value: string
  share: string
  max_unit_share: string
  units: Array<{ unit: string; count: number; value: string; unit_total: string; share: string }>
}

/** Above this share of one unit's procurement a supplier is shown as concentrated (a reading aid, not a rule). */
export const CONCENTRATION_MARK = 50

/** The unit where the supplier holds its highest share, named (名称（代码）). */
export function topUnit(row: SupplierRow, names: Record<string, string>): { label: string; share: string } | null {
  if (!row.units.length) return null
  const top = row.units.reduce((a, b) => (Number(b.share) > Number(a.share) ? b : a))
  return { label: names[top.unit] ? `${names[top.unit]}（${top.unit}）` : top.unit, share: top.share }
}

/** The chart's series: the largest suppliers by value (the rest summed as 其他供应商), value in 万元, share in %. */
export function chartSeries(rows: SupplierRow[], limit = 10): Array<{ name: string; value_wan: number; share: number; count: number }> {
  const head = rows.slice(0, limit).map((r) => ({
    name: r.supplier_name,
    value_wan: wan(r.awards_value),
    share: Number(r.share),
    count: r.awards_count,
  }))
  const rest = rows.slice(limit)
  if (rest.length)
    head.push({
      name: `其他 ${rest.length} 家供应商`,
      value_wan: wan(String(rest.reduce((s, r) => s + Number(r.awards_value), 0))),
      share: Math.round(rest.reduce((s, r) => s + Number(r.share), 0) * 100) / 100,
      count: rest.reduce((s, r) => s + r.awards_count, 0),
    })
  return head
}
