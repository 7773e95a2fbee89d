// 附件: which documents take files (the gateway's OWNERS in gateway/routes/attachments.py) and the checks the
// owning service makes (ic_platform/attachments.py), said at the file field before anything is sent: 10 MB at
// most, PDF, OFD, PNG, JPEG and Office files (the server also reads the content, not only the name), and
// inspectors and auditors only read.

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

/** Document type → what its files usually are, for the card's title. */
export const ATTACHABLE: Record<string, string> = {
  matter_application: '请示、方案、预算测算',
  expense_claim: '发票、行程单、会议（培训）通知、公函',
  payment_request: '发票、验收单、结算单',
  contract: '合同文本、中标（成交）通知书',
  acceptance: '验收单、验收报告',
  procurement_application: '采购需求、市场调查材料',
  meeting_record: '会议纪要扫描件、签到表', // 集体决策的会议记录 (approval keeps them, by the step's task)
}

export const TRAIL_READERS = ['auditor', 'inspector', 'admin']
const READ_ONLY = ['auditor', 'inspector']
const EXTENSIONS = ['pdf', 'ofd', 'png', 'jpg', 'jpeg', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx']

/** Why this file cannot be attached, in Chinese; null when it may be sent. */
export function attachmentError(file: { name: string; size: number }, roles: string[]): string | null {
  if (roles.length && roles.every((r) => READ_ONLY.includes(r))) return '纪检监察、审计人员只读，不能上传附件'
  if (file.size === 0) return '文件是空的'
  if (file.size > MAX_ATTACHMENT_BYTES) return `文件超过上限 ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`
  const ext = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : ''
  if (!EXTENSIONS.includes(ext)) return '不支持的文件类型（只接受 PDF、OFD、PNG、JPEG、Word、Excel、PowerPoint）'
  return null
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
