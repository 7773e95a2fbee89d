// The calls the clients make, all on the public /api/v1 (see /docs).
import { request, sendFile, upload } from './client'

export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
  [key: string]: unknown
}
export interface DocRef {
  type: string
  id: string
  no?: string
}
export interface Task {
  task_id: string
  document: DocRef
  title: string
  amount: string
  initiator: string
  initiator_name?: string
  unit: string
  unit_name?: string
  step_no: number
  step_name: string
  status: string
  created_at: string
  due_at?: string | null
  overdue?: boolean
  warning_count?: number
  max_severity?: string | null
  acting_for?: string | null
}
export interface Warning {
  id: number
  rule: string
  severity: string
  severity_label: string
  message: string
  must_acknowledge: boolean
  acknowledged: { by: string; comment: string; at: string } | null
}
export interface TaskDetail extends Task {
  warnings: Warning[]
  unacknowledged_high: number[]
  route_status: string
}
export interface Submission {
  document: DocRef
  title: string
  amount: string
  unit: string
  status: string
  status_label: string
  current_step: number | null
  current_step_name: string | null
  held_by: string[]
  submitted_at: string
  completed_at: string | null
}
export interface RouteStep {
  step_no: number
  name: string
  kind: string
  reason: string
  status: string
  assignee?: string | null
  assignee_name?: string | null
  assignees?: string[]
  decided_by_name?: string | null
  comment?: string | null
  decided_at?: string | null
  acting_for?: string | null
  task_id?: string | null
  meeting?: { meeting_date: string; attendees: string[]; decision: string; minutes: string } | null
}
export interface Route {
  status: string
  current_step: number | null
  current_step_name: string | null
  steps: RouteStep[]
  round: number
  major_matter: boolean
}
export interface BudgetLine {
  id: string
  unit: string
  economic_class: string
  economic_class_name: string
  functional_class_name?: string
  expenditure_kind?: string
  project: string | null
  amount: string
  available: string
  pre_committed: string
  committed: string
  actual: string
  control_mode: string
  tolerance: string
  execution_rate: string
}
export interface Unit {
  code: string
  name: string
  kind: string
}

const get = <T>(path: string, query?: Record<string, string | number | boolean | undefined | null>) =>
  request<T>('GET', path, { query })

export const api = {
  // 监督看板 (SupervisionView): 三公 against caps, contract execution by unit, per-unit scorecards
  threePublic: (fiscal_year: number) => get<Record<string, any>>('/reports/three-public', { fiscal_year }),
  contractExecution: (query: Record<string, string | number | undefined>) =>
    get<Page<Record<string, any>>>('/contracts/execution-report', query),
  scorecards: (date_from: string, date_to: string) =>
    get<{ units: Array<Record<string, any>> }>('/risk/scorecards', { date_from, date_to }),
  warningsByRule: (date_from: string, date_to: string) =>
    get<{ items: Array<Record<string, any>>; totals: Record<string, number> }>('/risk/warnings/by-rule', { date_from, date_to }),
  trail: (type: string, id: string) =>
    get<{ document: DocRef; entries: import('@/lib/trail').TrailEntry[]; people?: Record<string, string> }>(`/documents/${type}/${encodeURIComponent(id)}/trail`),
  verifyTrail: () => get<Record<string, any>>('/approval/trail/verify'),
  tasks: (page = 1, page_size = 20) => get<Page<Task>>('/approval/tasks', { page, page_size }),
  task: (id: string) => get<TaskDetail>(`/approval/tasks/${encodeURIComponent(id)}`),
  decided: (page = 1) => get<Page<Task>>('/approval/decided', { page }),
  submissions: (page = 1, page_size = 20) => get<Page<Submission>>('/approval/submissions', { page, page_size }),
  decide: (taskId: string, body: { decision: string; comment?: string; acknowledge_warnings?: number[] }) =>
    request<Record<string, unknown>>('POST', `/approval/tasks/${encodeURIComponent(taskId)}/decision`, { body }),
  route: (type: string, id: string) => get<Route>(`/documents/${type}/${encodeURIComponent(id)}/route`),
  application: (id: string) =>
    get<Record<string, unknown> & { route: Route | null }>(`/matter-applications/${encodeURIComponent(id)}`),
  dossier: (type: string, id: string) =>
    get<{ entries: Array<Record<string, string>>; linked_documents: DocRef[] }>(
      `/dossiers/${type}/${encodeURIComponent(id)}`,
    ),
  warnings: (type: string, id: string) =>
    get<{ items?: Warning[] } & Record<string, unknown>>(`/documents/${type}/${encodeURIComponent(id)}/risk-warnings`),
  lines: (query: Record<string, string | number | undefined>) => get<Page<BudgetLine>>('/budget-lines', query),
  line: (id: string) => get<BudgetLine>(`/budget-lines/${encodeURIComponent(id)}`),
  moves: (lineId: string, page = 1) =>
    get<Page<{ id: number; kind: string; amount: string; document: DocRef; actor: string; at: string }>>(
      `/budget-lines/${encodeURIComponent(lineId)}/moves`,
      { page, page_size: 20 },
    ),
  units: () => get<Page<Unit>>('/units', { page_size: 200 }),
  checkStandard: (expense: Record<string, unknown>) =>
    request<import('@/lib/rules').StandardCheck>('POST', '/expenditure-standards/check', { body: expense }),
  submitApplication: (body: Record<string, unknown>, key: string) =>
    request<Record<string, unknown> & { id: string; no: string }>('POST', '/matter-applications', {
      body,
      idempotencyKey: key,
    }),
  execution: (query: Record<string, string | number | undefined>) =>
    get<Page<Record<string, string>> & { totals: Record<string, string>; group_label: string }>(
      '/reports/budget-execution',
      query,
    ),
  trend: (query: Record<string, string | number | undefined>) =>
    get<{ months: Array<Record<string, string>> }>('/reports/budget-execution/trend', query),
  notifications: (page = 1) => get<Page<Record<string, unknown>> & { unread: number }>('/notifications', { page }),
  markRead: (id: number) => request('POST', `/notifications/${id}/read`, { body: {} }),
}

export const actions = {
  returnToStep: (taskId: string, to_step: number, reason: string) =>
    request<Record<string, unknown>>('POST', `/approval/tasks/${encodeURIComponent(taskId)}/return-to-step`, {
      body: { to_step, reason },
    }),
  delegations: (page = 1) =>
    request<Page<Record<string, any>>>('GET', '/approval/delegations', { query: { page, page_size: 20 } }),
  grantDelegation: (body: Record<string, unknown>, key: string) =>
    request<Record<string, unknown>>('POST', '/approval/delegations', { body, idempotencyKey: key }),
  revokeDelegation: (id: string) =>
    request<Record<string, unknown>>('DELETE', `/approval/delegations/${encodeURIComponent(id)}`),
  reassign: (taskId: string, assignee: string, reason: string) =>
    request<Record<string, unknown>>('POST', `/approval/tasks/${encodeURIComponent(taskId)}/reassign`, {
      body: { assignee, reason },
    }),
}

export const budgetDocs = {
  submitAdjustment: (body: Record<string, unknown>, key: string) =>
    request<Record<string, unknown> & { id: string; no?: string }>('POST', '/budget-adjustments', {
      body,
      idempotencyKey: key,
    }),
  requestOverride: (body: Record<string, unknown>, key: string) =>
    request<Record<string, unknown> & { id: string; no?: string }>('POST', '/budget-overrides', {
      body,
      idempotencyKey: key,
    }),
}

export interface Person {
  username: string
  full_name: string
  unit: string
  unit_name?: string
  roles: string[]
  role_labels?: string[]
  title: string
  active: boolean
  units_led?: Array<{ code: string; name: string }>
  one_time_password?: string
}
export interface UnitNode {
  code?: string
  name: string
  kind?: string
  leader_in_charge?: string | null
  leader_name?: string | null
  heads?: Array<{ username: string; full_name: string }>
  people?: number
  children?: UnitNode[]
}
export interface DecidingBody {
  code: string
  name: string
  members: string[]
  member_names: string[]
  quorum: number
}

// 组织机构管理 (administration; the API answers 403 to anyone but a system administrator)
export const org = {
  tree: () => get<UnitNode>('/org/unit-tree'),
  roles: () =>
    get<{ roles: Array<{ code: string; label: string }>; posts: Array<{ code: string; label: string }> }>('/org/roles'),
  incompatible: () =>
    get<{ pairs: Array<{ positions: string[]; labels: string[] }>; approving_as: Record<string, string> }>(
      '/org/incompatible-positions',
    ),
  people: (query: Record<string, string | number | boolean | undefined>) => get<Page<Person>>('/org/users', query),
  person: (username: string) => get<Person>(`/org/users/${encodeURIComponent(username)}`),
  trail: (username: string) =>
    get<{ entries: Array<Record<string, any>> }>(`/org/users/${encodeURIComponent(username)}/trail`),
  add: (body: Record<string, unknown>, key: string) =>
    request<Person>('POST', '/org/users', { body, idempotencyKey: key }),
  changeRoles: (username: string, body: { roles: string[]; title?: string }) =>
    request<Person>('PUT', `/org/users/${encodeURIComponent(username)}/roles`, { body }),
  deactivate: (username: string) =>
    request<{ sessions_revoked: number }>('POST', `/org/users/${encodeURIComponent(username)}/deactivate`, { body: {} }),
  resetPassword: (username: string) =>
    request<{ one_time_password: string; sessions_revoked: number }>(
      'POST',
      `/org/users/${encodeURIComponent(username)}/reset-password`,
      { body: {} },
    ),
  assignHead: (unit: string, post: string, username: string) =>
    request<Record<string, unknown>>('PUT', `/org/units/${encodeURIComponent(unit)}/head`, { body: { post, username } }),
  bodies: () => get<{ items: DecidingBody[] }>('/org/deciding-bodies'),
  changeBody: (code: string, members: string[], quorum: number) =>
    request<DecidingBody>('PUT', `/org/deciding-bodies/${encodeURIComponent(code)}`, { body: { members, quorum } }),
}

// ── 合同、验收、报销、付款、供应商分析 (issue 14's forms; the routes in gateway/routes/contracts.py, payments.py,
// expense_claims.py, procurement.py) ──
type Doc = Record<string, any>
export interface Contract extends Doc {
  id: string
  no: string
  title: string
  unit: string
  status: string
  status_label: string
  amount: string
  start_date: string
  end_date: string
  warranty_end: string | null
  signed_on: string | null
  drafter: string
  purchaser: string
  supplier: { id: string; name: string; credit_code: string }
  basis: Doc
  milestones: Array<{ no: number; name: string; condition: string; amount: string; share: string | null; progress: string | null; planned_date: string | null; payment_days: number }>
}
export interface Execution extends Doc {
  paid: string
  payable_now: string
  remaining: string
  ceiling: string
  retention: string
  overdue: number[]
  lapsed: boolean
  milestones: Array<import('@/lib/paymentRules').MilestoneState & { due_on: string | null; overdue_payment: boolean; overdue_performance: boolean }>
}
export interface Supplier extends Doc {
  id: string
  name: string
  credit_code: string
  sme: boolean
  standing: string
  standing_label: string
  accounts: Array<{ bank_name: string; account_name: string; account_no: string }>
}

const enc = encodeURIComponent
export const spending = {
  // 合同
  contracts: (query: Record<string, string | number | undefined>) => get<Page<Contract>>('/contracts', query),
  contract: (id: string) => get<Contract & { flags: Doc[] }>(`/contracts/${enc(id)}`),
  execution: (id: string) => get<Execution>(`/contracts/${enc(id)}/execution`),
  acceptances: (id: string) => get<{ items: Doc[] }>(`/contracts/${enc(id)}/acceptances`),
  draftContract: (body: Doc, key: string) => request<Contract>('POST', '/contracts', { body, idempotencyKey: key }),
  submitContract: (id: string) => request<Contract>('POST', `/contracts/${enc(id)}/submit`, { body: {} }),
  signContract: (id: string, signed_on: string) =>
    request<Contract & { flags: Doc[] }>('POST', `/contracts/${enc(id)}/sign`, { body: { signed_on } }),
  recordAcceptance: (id: string, body: Doc, key: string) =>
    request<Doc>('POST', `/contracts/${enc(id)}/acceptances`, { body, idempotencyKey: key }),
  cancelContract: (id: string, reason: string, key: string) =>
    request<Contract>('POST', `/contracts/${enc(id)}/cancel`, { body: { reason }, idempotencyKey: key }),
  progress: (id: string) => get<{ items: Array<Doc & { percent: string; certified_on: string }>; percent: string | null }>(`/contracts/${enc(id)}/progress-certificates`),
  certifyProgress: (id: string, body: Doc, key: string) =>
    request<Doc>('POST', `/contracts/${enc(id)}/progress-certificates`, { body, idempotencyKey: key }),
  amendments: (id: string) => get<{ items: Doc[] }>(`/contracts/${enc(id)}/amendments`),
  proposeAmendment: (id: string, body: Doc, key: string) =>
    request<Doc>('POST', `/contracts/${enc(id)}/amendments`, { body, idempotencyKey: key }),
  terminateContract: (id: string, body: Doc, key: string) =>
    request<Contract>('POST', `/contracts/${enc(id)}/termination`, { body, idempotencyKey: key }),
  attachments: (type: string, id: string) => get<{ items: Doc[] }>(`/attachments/${enc(type)}/${enc(id)}`),
  // the file goes as multipart (field `file`); the browser sets the boundary
  uploadAttachment: (type: string, id: string, file: File, key: string) => upload(`/attachments/${enc(type)}/${enc(id)}`, file, key),
  resubmitClaim: (id: string, body: Doc, key: string) =>
    request<Doc>('POST', `/expense-claims/${enc(id)}/resubmit`, { body, idempotencyKey: key }),
  resubmitPayment: (id: string, body: Doc, key: string) =>
    request<Doc>('POST', `/payments/${enc(id)}/resubmit`, { body, idempotencyKey: key }),
  // the bases a contract stands on: awards (on awarded procurement applications), approved matter applications
  procurementApplications: (query: Record<string, string | number | boolean | undefined>) =>
    get<Page<Doc>>('/procurement-applications', query),
  procurementApplication: (id: string) => get<Doc>(`/procurement-applications/${enc(id)}`),
  matterApplications: (query: Record<string, string | number | boolean | undefined>) =>
    get<Page<Doc>>('/matter-applications', query),
  suppliers: (q?: string) => get<Page<Supplier>>('/suppliers', { q, page_size: 50 }),
  supplier: (id: string) => get<Supplier>(`/suppliers/${enc(id)}`),
  // 报销
  claims: (query: Record<string, string | number | boolean | undefined>) => get<Page<Doc>>('/expense-claims', query),
  claim: (id: string) => get<Doc>(`/expense-claims/${enc(id)}`),
  submitClaim: (body: Doc, key: string) => request<Doc>('POST', '/expense-claims', { body, idempotencyKey: key }),
  // 付款申请与支付
  payments: (query: Record<string, string | number | undefined>) => get<Page<Doc>>('/payments', query),
  payment: (id: string) => get<Doc>(`/payments/${enc(id)}`),
  submitPayment: (body: Doc, key: string) => request<Doc>('POST', '/payments', { body, idempotencyKey: key }),
  executePayment: (id: string, body: Doc) => request<Doc>('POST', `/payments/${enc(id)}/execute`, { body }),
  // 供应商信息表 (procurement's supplier analysis)
  supplierAnalysis: (query: Record<string, string | undefined>) => get<Doc>('/reports/suppliers', query),
}

// ── 财务管理: budget line import, control modes, year close (gateway/routes/budget.py, budget_lines.py,
// budget_year_end.py; finance reviewers and administrators) ──
export const administration = {
  importLines: (file: File, dryRun: boolean, onProgress: (percent: number) => void) =>
    sendFile<{ imported: number; valid?: number; dry_run?: boolean }>(
      '/budget-lines/import',
      file,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      { dry_run: dryRun || undefined },
      onProgress,
    ),
  setControl: (body: Record<string, unknown>) => request<Record<string, any>>('POST', '/budget-lines/control', { body }),
  yearStatus: (year: number) => request<Record<string, any>>('GET', `/fiscal-years/${year}`),
  standards: (asOf: string) => request<{ items: Array<Record<string, any>> }>('GET', '/expenditure-standards', { query: { as_of: asOf, page_size: 100 } }),
  addStandardVersion: (body: Record<string, unknown>, key: string) =>
    request<Record<string, any>>('POST', '/expenditure-standards', { body, idempotencyKey: key }),
  closeYear: (year: number, reason: string) => request<Record<string, any>>('POST', `/fiscal-years/${year}/close`, { body: { reason } }),
}
