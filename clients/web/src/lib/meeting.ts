// The meeting record of a collective step (集体决策, 三重一大), checked before it is sent; the approval service
// checks the same against the deciding body (members, quorum) and the round's submission date.
export interface MeetingForm {
  meeting_date: string
  attendees: string[]
  decision: '' | 'approve' | 'reject'
  minutes: string
}

export const MIN_ATTENDEES = 3

export function meetingErrors(form: MeetingForm, today: string): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.meeting_date)) errors.meeting_date = '请选择会议日期'
  else if (form.meeting_date > today) errors.meeting_date = '会议日期不能晚于今天'
  const people = new Set(form.attendees.map((a) => a.trim()).filter(Boolean))
  if (people.size < MIN_ATTENDEES) errors.attendees = `出席人员不少于 ${MIN_ATTENDEES} 人（须达到该机构的法定人数）`
  if (!form.decision) errors.decision = '请选择会议决定'
  if (!form.minutes.trim()) errors.minutes = '请填写会议纪要'
  else if (form.minutes.length > 20000) errors.minutes = '会议纪要不能超过 20000 字'
  return errors
}
