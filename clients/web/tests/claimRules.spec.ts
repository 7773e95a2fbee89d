// The expense-claim form (报销) and the invoices it lists: each kind's detail, the trip rules, the claim against
// its application or the standalone limit, invoices covering what must be invoiced.
import { describe, expect, it } from 'vitest'
import { blankClaim, blankTrip, claimBody, claimErrors, claimTotals, travelClassAdvice, type ClaimForm } from '@/lib/claimRules'
import { creditCodeError, invoiceErrors, invoiceKey, type InvoiceForm } from '@/lib/invoiceRules'
import { fieldPath } from '@/api/client'

const TODAY = '2026-11-28'
const CODE = '911101050000730158' // valid: deploy/seed/procurement.py code_for(1)
const invoice = (over: Partial<InvoiceForm> = {}): InvoiceForm => ({
  number: '26442000000123456789',
  code: '',
  issued_on: '2026-11-20',
  issuer_credit_code: CODE,
  amount: '1400.00',
  tax: '0.00',
  ...over,
})
const travel = (over: Partial<ClaimForm> = {}): ClaimForm => {
  const form = blankClaim()
  form.title = '赴广州学习考察差旅费'
  form.budget_line_id = '2026-DZB-30211-01'
  form.travel = {
    traveller: '李明',
    rank: '其余人员',
    purpose: '学习基层治理经验',
    trips: [
      {
        ...blankTrip(),
        departed_on: '2026-11-11',
        returned_on: '2026-11-13',
        to_city: '广州',
        city_tier: '一类',
        nights: '2',
        fare: '600.00',
        lodging: '800.00',
        meals: '300.00',
        city_transport: '240.00',
      },
    ],
  }
  form.invoices = [invoice()]
  return Object.assign(form, over)
}

describe('credit codes and invoice numbers', () => {
  it('checks both check characters of a unified social credit code', () => {
    expect(creditCodeError(CODE)).toBeNull()
    expect(creditCodeError('91110105000073015A')).toBe('统一社会信用代码第 18 位校验码应为 8')
    expect(creditCodeError('91110105MA00730158')).toContain('第 17 位')
    expect(creditCodeError('9111010500007301')).toBe('统一社会信用代码应为 18 位，实为 16 位')
    expect(creditCodeError('91110105000O730158')).toContain('不允许的字符「O」')
  })
  it('reads an invoice number however written, as the registry keys it', () => {
    expect(invoiceKey('26 4420 0000 0123 456789')).toEqual({ key: '26442000000123456789' })
    expect(invoiceKey('No. 12345678', '044001900111')).toEqual({ key: '044001900111-12345678' })
    expect(invoiceKey('044001900111-12345678')).toEqual({ key: '044001900111-12345678' })
    expect(invoiceKey('12345678')).toEqual({ field: 'code', reason: '8 位发票号码须与 10 位或 12 位发票代码一起填写' })
    expect(invoiceKey('123')).toMatchObject({ field: 'number' })
  })
  it('names each invoice field, and the same invoice twice', () => {
    const errors = invoiceErrors(
      [invoice(), invoice({ number: '2644 2000 0001 2345 6789', issued_on: '2026-12-01', amount: '0', tax: '-1' })],
      TODAY,
    )
    expect(errors).toEqual({
      'invoices[1].number': '与第 1 张发票重复',
      'invoices[1].issued_on': '开票日期不能晚于今天（2026-11-28）',
      'invoices[1].amount': '价税合计须大于零，最多两位小数',
      'invoices[1].tax': '税额不能为负数，最多两位小数',
    })
    expect(invoiceErrors([invoice({ tax: '1400.00' })], TODAY)).toEqual({ 'invoices[0].tax': '税额应小于价税合计' })
  })
})

describe('a travel claim', () => {
  it('adds up the trips; only fare and lodging need invoices', () => {
    expect(claimTotals(travel())).toEqual({ total: '1940.00', invoiced: '1400.00' })
    expect(claimErrors(travel(), TODAY)).toEqual({})
  })
  it('refuses nights beyond the trip, lodging without a night, a class of another mode', () => {
    const form = travel()
    form.travel.trips[0] = { ...form.travel.trips[0], nights: '3' }
    form.travel.trips.push({ ...form.travel.trips[0], nights: '0', transport_class: '经济舱' })
    const errors = claimErrors(form, TODAY)
    expect(errors['detail.trips[0].nights']).toBe('住宿 3 晚超过行程可住晚数（2 晚）')
    expect(errors['detail.trips[1].lodging']).toBe('未住宿（0 晚）不能报销住宿费')
    expect(errors['detail.trips[1].transport_class']).toContain('火车的座席（舱位）应为')
    // the server's paths read the same: detail.trips.0.nights
    expect(fieldPath('detail.trips.0.nights')).toBe('detail.trips[0].nights')
  })
  it('says a class above the rank will be flagged, without refusing it', () => {
    const form = travel()
    form.travel.trips[0].transport_class = '商务座'
    expect(travelClassAdvice(form)).toEqual(['第 1 段行程乘坐火车商务座，超出其余人员可乘坐的等级：可以提交，审批时会提示'])
    expect(claimErrors(form, TODAY)).toEqual({})
  })
  it('needs invoices covering what must be invoiced', () => {
    const errors = claimErrors(travel({ invoices: [invoice({ amount: '1000.00' })] }), TODAY)
    expect(errors.invoices).toBe('须凭发票报销的金额 1,400.00 元，所附发票合计 1,000.00 元，差 400.00 元')
  })
})

describe('the claim against its application or alone', () => {
  it('is refused standalone above the limit, and above its application', () => {
    const form = travel()
    form.travel.trips[0].lodging = '900.00'
    form.invoices = [invoice({ amount: '1500.00' })]
    expect(claimErrors(form, TODAY).application_id).toBe('报销金额 2,040.00 元超过无事前申请可直接报销的上限 2,000.00 元，须依据已批准的事前申请报销')
    form.application = { id: 'ma-1', no: 'SQ-2026-000001', amount: '2000.00' }
    expect(claimErrors(form, TODAY).application_id).toContain('超过事前申请批准金额 2,000.00 元，超出 40.00 元')
    form.application.amount = '3000.00'
    expect(claimErrors(form, TODAY)).toEqual({})
    expect(claimBody(form)).toMatchObject({ application_id: 'ma-1', kind: 'travel' })
    expect(claimBody(form)).not.toHaveProperty('budget_line_id')
  })
  it('needs an application or a budget line', () => {
    expect(claimErrors(travel({ budget_line_id: '' }), TODAY).budget_line_id).toContain('请选择已批准的事前申请')
  })
})

describe('the other kinds', () => {
  it('checks a meeting, a reception and other costs by their own fields', () => {
    const meeting = travel({ kind: 'meeting', invoices: [invoice({ amount: '12000.00' })] })
    meeting.application = { id: 'ma-2', amount: '15000.00' }
    meeting.event = { name: '', category: '五类', held_on: '', persons: '0', days: '400', amount: '12000.00' }
    expect(Object.keys(claimErrors(meeting, TODAY)).sort()).toEqual([
      'detail.category',
      'detail.days',
      'detail.held_on',
      'detail.name',
      'detail.persons',
    ])
    const reception = travel({ kind: 'reception', invoices: [] })
    reception.reception.amount = '300.00'
    const errors = claimErrors(reception, TODAY)
    expect(errors['detail.letter.no']).toBe('公务接待须有来访单位公函：请填写公函编号')
    expect(errors['detail.guests[0].name']).toBe('请填写姓名')
    const other = travel({ kind: 'other', invoices: [invoice({ amount: '150.00' })] })
    other.other = { spent_on: '2026-11-20', items: [{ description: '快递费', amount: '150.00' }] }
    expect(claimErrors(other, TODAY)).toEqual({})
    expect(claimBody(other).detail).toEqual({ spent_on: '2026-11-20', items: [{ description: '快递费', amount: '150.00' }] })
  })
})
