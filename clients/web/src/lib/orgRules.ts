// Organisation administration (组织机构管理) form rules, pure so they are unit-tested (tests/orgRules.spec.ts).
// Messages are Chinese and say what to do; the org service checks everything again.

export const USERNAME_PATTERN = /^[a-z][a-z0-9_.-]{1,31}$/

export interface PersonForm {
  username: string
  full_name: string
  unit: string
  roles: string[]
  title: string
}

/** Field → Chinese reason; empty when the new person's form will do. */
export function personErrors(form: PersonForm): Record<string, string> {
  const errors: Record<string, string> = {}
  const username = form.username.trim()
  if (!username) errors.username = '请填写用户名'
  else if (!USERNAME_PATTERN.test(username))
    errors.username = '用户名须以小写字母开头，只含小写字母、数字和 _ . -，共 2 至 32 位'
  const name = form.full_name.trim()
  if (!name) errors.full_name = '请填写姓名'
  else if (name.length > 50) errors.full_name = '姓名不能超过 50 个字'
  if (!form.unit) errors.unit = '请选择所属单位'
  const roleError = rolesError(form.roles)
  if (roleError) errors.roles = roleError
  if (form.title.length > 100) errors.title = '职务不能超过 100 个字'
  return errors
}

export function rolesError(roles: string[]): string | null {
  if (!roles.length) return '至少选择一个角色'
  return null
}

/** What an administrator should know before saving these roles: approving and supervising the same
 *  business, or administering the system and approving in it, are kept apart (不相容岗位相互分离). */
export const ROLE_CAUTIONS: Array<{ roles: [string, string]; message: string }> = [
  { roles: ['auditor', 'finance_reviewer'], message: '内部审计与财务审核同属一人：审计将审查本人审核过的单据' },
  { roles: ['inspector', 'finance_reviewer'], message: '纪检监察与财务审核同属一人：监督者监督自己' },
  { roles: ['admin', 'finance_reviewer'], message: '系统管理员兼任财务审核：能改人员角色的人也在审批' },
  { roles: ['admin', 'principal'], message: '系统管理员兼任主要负责人：建议由信息化人员担任系统管理员' },
  { roles: ['clerk', 'auditor'], message: '经办人兼任内部审计：审计将审查本人经办的单据' },
]

export function roleCautions(roles: string[]): string[] {
  const held = new Set(roles)
  return ROLE_CAUTIONS.filter((c) => c.roles.every((r) => held.has(r))).map((c) => c.message)
}

export interface BodyForm {
  members: string[]
  quorum: number
}

/** A deciding body (党工委、主任办公会): at least three attend, never more than its members. */
export function bodyErrors(form: BodyForm): Record<string, string> {
  const errors: Record<string, string> = {}
  const members = [...new Set(form.members)]
  if (members.length < 3) errors.members = '成员不少于 3 人'
  if (!Number.isInteger(form.quorum) || form.quorum < 3) errors.quorum = '法定人数不少于 3 人'
  else if (form.quorum > members.length) errors.quorum = `法定人数不能超过成员人数（${members.length} 人）`
  return errors
}

/** The confirmation text before deactivating someone: what will happen, in the order it happens. */
export function deactivateNotice(name: string, pendingHint = '其待办审批任务'): string {
  return `停用后 ${name} 不能再登录，已登录的会话立即结束；${pendingHint}将转办给同岗位的其他人员，无人可接替的由系统管理员转办。此操作记入留痕。`
}
