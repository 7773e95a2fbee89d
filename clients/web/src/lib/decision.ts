// What a decision needs before it is sent, shared by the web desk and the phone: a reason to reject or return,
// and every high warning acknowledged with a comment to approve (the approval service checks the same).
import type { Warning } from '@/api/endpoints'

export type Decision = 'approve' | 'reject' | 'return'
export const DECISION_LABELS: Record<Decision, string> = { approve: '同意', reject: '驳回', return: '退回' }

export function decisionError(
  decision: Decision,
  comment: string,
  warnings: Warning[],
  acknowledged: number[],
): string | null {
  const text = comment.trim()
  if (decision === 'reject' && !text) return '驳回必须填写理由'
  if (decision === 'return' && !text) return '退回必须填写理由'
  if (text.length > 500) return '审批意见不能超过 500 字'
  if (decision === 'approve') {
    const missing = warnings.filter((w) => w.must_acknowledge && !w.acknowledged && !acknowledged.includes(w.id))
    if (missing.length) return `请先确认 ${missing.length} 条高风险预警`
    if (acknowledged.length && !text) return '确认高风险预警时须填写审批意见，说明为何仍同意'
  }
  return null
}
