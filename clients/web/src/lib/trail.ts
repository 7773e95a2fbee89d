// 审批留痕 as auditors read it: each action in Chinese, and the document's own chain checked link by link (each
// entry carries the hash of the one before it; the first carries the chain's start). The server recomputes the
// hashes themselves and checks them against its anchors (GET /approval/trail/verify).

export interface TrailEntry {
  seq: number
  action: string
  actor: string | null
  acting_for: string | null
  occurred_at: string
  from_step: number | null
  to_step: number | null
  assignee: string | null
  amount: string | null
  comment: string | null
  client_ip: string | null
  prev_hash: string
  hash: string
  [key: string]: unknown
}

export const TRAIL_ACTIONS: Record<string, string> = {
  submitted: '提交审批',
  step_assigned: '分拨办理人',
  approved: '同意',
  rejected: '驳回',
  completed: '审批结束',
  returned: '退回申请人',
  resubmitted: '修改后重新提交',
  withdrawn: '撤回',
  returned_to_step: '退回至前序节点',
  reassigned: '转办',
  skipped: '无需办理（会签他人已办）',
  meeting_recorded: '录入集体决策会议记录',
  reassignment_needed: '待重新分拨（原办理人已停用）',
  risk_acknowledged: '确认知悉风险预警',
  risk_dismissed: '风险预警已排除',
  risk_confirmed: '风险预警已核实，转为整改',
  rectification_closed: '整改销号',
}

export const GENESIS = '0'.repeat(64)

/** The seq of the first entry whose prev_hash is not the hash before it (or whose seq skips); null if whole. */
export function chainBreak(entries: TrailEntry[]): number | null {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq)
  if (sorted.length && sorted[0].seq === 1 && sorted[0].prev_hash !== GENESIS) return 1
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].seq !== sorted[i - 1].seq + 1 || sorted[i].prev_hash !== sorted[i - 1].hash) return sorted[i].seq
  }
  return null
}
