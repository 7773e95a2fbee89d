// A returned expense claim corrected in the claim form: its own trips, guests, items and invoices come back
// into the form as they were sent, the resubmission sends them (not the kind or basis), and only the claimant
// resubmits a returned claim. Also the attachment checks and the trail's own chain check.
import { describe, expect, it } from 'vitest'
import { blankClaim, blankTrip, claimBody, claimErrors, claimFormFrom, resubmitClaimBody, resubmitClaimErrors } from '@/lib/claimRules'
import { attachmentError, MAX_ATTACHMENT_BYTES } from '@/lib/attachments'
import { chainBreak, GENESIS, type TrailEntry } from '@/lib/trail'

const TODAY = '2026-11-28'
const CODE = '911101050000730158'
const invoice = { number: '26442000000123456789', code: '', issued_on: '2026-11-20', issuer_credit_code: CODE, amount: '1400.00', tax: '0.00' }

function travelForm() {
  const form = blankClaim()
  form.title = '赴广州学习考察差旅费'
  form.application = { id: 'app-1', no: 'SQ-1', amount: '5000.00' }
  form.travel = {
    traveller: '李明',
    rank: '其余人员',
    purpose: '学习',
    trips: [
      { ...blankTrip(), departed_on: '2026-11-10', returned_on: '2026-11-12', to_city: '广州', city_tier: '一类', nights: '2', fare: '600.00', lodging: '800.00', meals: '300.00', city_transport: '240.00' },
    ],
  }
  form.invoices = [{ ...invoice }]
  return form
}

// As GET /expense-claims/{id} answers: the body that was sent, with numbers where the form had text
function asServed(form: ReturnType<typeof blankClaim>) {
  const body = claimBody(form) as Record<string, any>
  return {
    id: 'c-1',
    no: 'BX-1',
    status: 'returned',
    claimant: 'clerk',
    title: body.title,
    kind: body.kind,
    budget_line_id: 'line-1',
    application: { type: 'matter_application', id: 'app-1', no: 'SQ-1' },
    detail: body.detail,
    // on the claim: references only; the registry's copy, in full, beside it
    invoices: body.invoices.map((i: Record<string, string>) => ({ key: i.number, number: i.number, amount: i.amount })),
    invoices_held: body.invoices.map((i: Record<string, string>) => ({ ...i, key: i.number, kind: 'digital', issuer_name: null, code: null })),
  }
}

describe('a returned claim back into the form', () => {
  it('restores the trips and invoices so that resubmitting unchanged sends the same detail', () => {
    const form = travelForm()
    const back = claimFormFrom(asServed(form), '5000.00')
    expect(back.kind).toBe('travel')
    expect(back.application?.id).toBe('app-1')
    expect(back.travel.trips[0].nights).toBe('2')
    expect(back.travel.trips[0].to_city).toBe('广州')
    expect(back.invoices[0]).toMatchObject({ number: invoice.number, code: '', tax: '0.00' })
    expect(resubmitClaimBody(back)).toEqual({ title: form.title, detail: claimBody(form).detail, invoices: claimBody(form).invoices })
    expect(claimErrors(back, TODAY)).toEqual({})
  })

  it('lets a trip be corrected and keeps the rules at the field', () => {
    const back = claimFormFrom(asServed(travelForm()), '5000.00')
    back.travel.trips[0].lodging = '80o'
    expect(claimErrors(back, TODAY)['detail.trips[0].lodging']).toBeTruthy()
    back.travel.trips[0].lodging = '700.00'
    back.travel.trips.push({ ...blankTrip() })
    const errors = claimErrors(back, TODAY)
    expect(errors['detail.trips[1].to_city']).toBeTruthy()
    expect(errors['detail.trips[0].lodging']).toBeUndefined()
  })

  it('restores a reception claim with its guests, and an empty detail as one blank row', () => {
    const served = {
      title: '接待', kind: 'reception', budget_line_id: 'line-1', application: null,
      detail: { letter: { no: 'H-1', issuer: '某区', dated: '2026-11-01' }, held_on: '2026-11-02', guests: [{ name: '王五', organisation: '某区' }], accompany: 2, meals: 1, amount: '300.00' },
      invoices: [],
    }
    const back = claimFormFrom(served, null)
    expect(back.application).toBeNull()
    expect(back.budget_line_id).toBe('line-1')
    expect(back.reception.guests).toEqual([{ name: '王五', organisation: '某区', position: '' }])
    expect(back.reception.accompany).toBe('2')
    expect(claimFormFrom({ kind: 'other', detail: {} }, null).other.items).toHaveLength(1)
  })

  it('is resubmitted only by the claimant, and only when returned', () => {
    expect(resubmitClaimErrors({ status: 'returned', claimant: 'clerk' }, 'clerk')).toEqual({})
    expect(resubmitClaimErrors({ status: 'returned', claimant: 'clerk' }, 'head')._form).toContain('报销人本人')
    expect(resubmitClaimErrors({ status: 'submitted', claimant: 'clerk' }, 'clerk')._form).toContain('被退回')
  })
})

describe('attachments are checked at the field before they are sent', () => {
  const roles = ['clerk']
  it('takes office files and scans within 10 MB', () => {
    expect(attachmentError({ name: '发票.PDF', size: 2048 }, roles)).toBeNull()
    expect(attachmentError({ name: '合同.docx', size: MAX_ATTACHMENT_BYTES }, roles)).toBeNull()
  })
  it('refuses what the server refuses, in Chinese', () => {
    expect(attachmentError({ name: '大.pdf', size: MAX_ATTACHMENT_BYTES + 1 }, roles)).toContain('10 MB')
    expect(attachmentError({ name: '脚本.exe', size: 10 }, roles)).toContain('不支持的文件类型')
    expect(attachmentError({ name: '空.pdf', size: 0 }, roles)).toContain('空')
    expect(attachmentError({ name: 'a.pdf', size: 10 }, ['auditor'])).toContain('只读')
    expect(attachmentError({ name: 'a.pdf', size: 10 }, ['auditor', 'clerk'])).toBeNull()
  })
})

describe("the trail's own chain, link by link", () => {
  const entry = (seq: number, prev: string, hash: string): TrailEntry =>
    ({ seq, prev_hash: prev, hash, action: 'approved', actor: 'head', acting_for: null, occurred_at: '', from_step: null, to_step: null, assignee: null, amount: null, comment: null, client_ip: null })
  it('is whole when each entry names the hash before it', () => {
    expect(chainBreak([entry(2, 'a', 'b'), entry(1, GENESIS, 'a'), entry(3, 'b', 'c')])).toBeNull()
  })
  it('names the first entry that does not', () => {
    expect(chainBreak([entry(1, GENESIS, 'a'), entry(2, 'x', 'b'), entry(3, 'b', 'c')])).toBe(2)
    expect(chainBreak([entry(1, GENESIS, 'a'), entry(3, 'a', 'c')])).toBe(3) // an entry is missing
    expect(chainBreak([entry(1, 'a', 'b')])).toBe(1)
  })
})
