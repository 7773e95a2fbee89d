// Organisation administration's form rules: what the administrator is told at the field, before saving.
import { describe, expect, it } from 'vitest'
import { bodyErrors, deactivateNotice, personErrors, roleCautions, rolesError } from '@/lib/orgRules'

const person = (over: Record<string, unknown> = {}) => ({
  username: 'zhangsan',
  full_name: '张三',
  unit: 'dzb',
  roles: ['clerk'],
  title: '科员',
  ...over,
})

describe('a new person', () => {
  it('will do when every field is filled in', () => {
    expect(personErrors(person())).toEqual({})
  })
  it('names each missing field in Chinese', () => {
    const errors = personErrors(person({ username: ' ', full_name: '', unit: '', roles: [] }))
    expect(errors).toEqual({
      username: '请填写用户名',
      full_name: '请填写姓名',
      unit: '请选择所属单位',
      roles: '至少选择一个角色',
    })
  })
  it('refuses a username with capitals, spaces, a leading digit or Chinese, saying what is allowed', () => {
    for (const bad of ['ZhangSan', 'zhang san', '9zhang', '张三', 'z']) {
      expect(personErrors(person({ username: bad })).username).toMatch(/^用户名须以小写字母开头/)
    }
    expect(personErrors(person({ username: 'zhang.san_2' })).username).toBeUndefined()
  })
  it('bounds the name and the title', () => {
    expect(personErrors(person({ full_name: '张'.repeat(51) })).full_name).toBe('姓名不能超过 50 个字')
    expect(personErrors(person({ title: '长'.repeat(101) })).title).toBe('职务不能超过 100 个字')
  })
})

describe('roles', () => {
  it('needs at least one', () => {
    expect(rolesError([])).toBe('至少选择一个角色')
    expect(rolesError(['unit_head'])).toBeNull()
  })
  it('cautions when one person would both do and supervise', () => {
    expect(roleCautions(['clerk', 'unit_head'])).toEqual([])
    expect(roleCautions(['auditor', 'finance_reviewer'])).toEqual([
      '内部审计与财务审核同属一人：审计将审查本人审核过的单据',
    ])
    expect(roleCautions(['admin', 'finance_reviewer', 'principal'])).toHaveLength(2)
  })
})

describe('a deciding body', () => {
  it('has at least three members and a quorum between three and its size', () => {
    expect(bodyErrors({ members: ['a', 'b', 'c', 'd'], quorum: 3 })).toEqual({})
    expect(bodyErrors({ members: ['a', 'b', 'b'], quorum: 3 })).toEqual({
      members: '成员不少于 3 人',
      quorum: '法定人数不能超过成员人数（2 人）',
    })
    expect(bodyErrors({ members: ['a', 'b', 'c'], quorum: 2 }).quorum).toBe('法定人数不少于 3 人')
    expect(bodyErrors({ members: ['a', 'b', 'c'], quorum: 4 }).quorum).toBe('法定人数不能超过成员人数（3 人）')
  })
})

it('says what deactivating does before it is done', () => {
  const text = deactivateNotice('王科长')
  expect(text).toContain('不能再登录')
  expect(text).toContain('会话立即结束')
  expect(text).toContain('转办')
})

import { meetingErrors } from '@/lib/meeting'

describe('the meeting record of a collective step', () => {
  const ok = { meeting_date: '2026-11-20', attendees: ['a', 'b', 'c'], decision: 'approve' as const, minutes: '同意' }
  it('will do with a past date, three people, a decision and minutes', () => {
    expect(meetingErrors(ok, '2026-11-28')).toEqual({})
  })
  it('names each problem at its field', () => {
    expect(meetingErrors({ meeting_date: '2026-12-01', attendees: ['a', 'a', ' '], decision: '', minutes: ' ' }, '2026-11-28')).toEqual({
      meeting_date: '会议日期不能晚于今天',
      attendees: '出席人员不少于 3 人（须达到该机构的法定人数）',
      decision: '请选择会议决定',
      minutes: '请填写会议纪要',
    })
  })
})
