// The expense-claim form's rules (报销), pure so they are unit-tested (tests/claimRules.spec.ts). They mirror the
// payment service (services/payment/domain/claims.py, service_layer/claim_commands.py, docs/payments.md): each
// kind's detail, a trip's dates, nights and transport class, the claim's amount (the detail's total), the
// standalone limit without an application, not more than the application, invoices covering what must be
// invoiced (everything but the travel allowances for meals and city transport). Field keys are the service's
// (`detail.trips[0].nights`, `invoices[1].number`). Standards are checked by the service (a flag standard
// lets the claim through with a warning the approver sees).
import { cents, fromCents, money } from './format'
import { AMOUNT_PATTERN, amountError } from './rules'
import { DATE_PATTERN, type RefusalFields } from './formErrors'
import { invoiceBody, invoiceErrors, invoiceTotal, type InvoiceForm } from './invoiceRules'

export const CLAIM_KINDS: Record<string, string> = {
  travel: '差旅费',
  meeting: '会议费',
  training: '培训费',
  reception: '公务接待费',
  other: '其他费用',
}
export const RANKS = ['省部级', '厅局级', '其余人员']
export const CITY_TIERS = ['一类', '二类', '三类']
export const MEETING_CATEGORIES = ['一类', '二类', '三类', '四类']
export const TRAINING_CATEGORIES = ['一类', '二类', '三类']
const RANK_LEVEL: Record<string, number> = { 其余人员: 1, 厅局级: 2, 省部级: 3 }
// The class each rank may travel in, by mode (services/payment/domain/claims.py TRANSPORT_CLASSES): the lowest
// rank level entitled to each class.
export const TRANSPORT_CLASSES: Record<string, Record<string, number>> = {
  火车: { 硬座: 1, 二等座: 1, 硬卧: 1, 一等座: 2, 软座: 2, 软卧: 2, 商务座: 3, 高级软卧: 3 },
  飞机: { 经济舱: 1, 公务舱: 3, 头等舱: 3 },
  轮船: { 三等舱: 1, 二等舱: 2, 一等舱: 3 },
  汽车: { 普通: 1 },
  其他: { 普通: 1 },
}
export const STANDALONE_LIMIT = '2000.00' // ClaimPolicy.standalone_limit (demo): 无事前申请可直接报销的上限（含）

export interface Trip {
  departed_on: string
  returned_on: string
  from_city: string
  to_city: string
  city_tier: string
  nights: string
  transport_mode: string
  transport_class: string
  fare: string
  lodging: string
  meals: string
  city_transport: string
}

export function blankTrip(): Trip {
  return {
    departed_on: '',
    returned_on: '',
    from_city: '本市',
    to_city: '',
    city_tier: '二类',
    nights: '0',
    transport_mode: '火车',
    transport_class: '二等座',
    fare: '',
    lodging: '',
    meals: '',
    city_transport: '',
  }
}

export interface ClaimForm {
  title: string
  kind: string
  application: { id: string; no?: string; amount: string; budget_line_id?: string } | null
  budget_line_id: string
  travel: { traveller: string; rank: string; purpose: string; trips: Trip[] }
  event: { name: string; category: string; held_on: string; persons: string; days: string; amount: string } // meeting, training
  reception: {
    letter_no: string
    letter_issuer: string
    letter_dated: string
    held_on: string
    guests: Array<{ name: string; organisation: string; position: string }>
    accompany: string
    meals: string
    amount: string
  }
  other: { spent_on: string; items: Array<{ description: string; amount: string }> }
  invoices: InvoiceForm[]
}

export function blankClaim(): ClaimForm {
  return {
    title: '',
    kind: 'travel',
    application: null,
    budget_line_id: '',
    travel: { traveller: '', rank: '其余人员', purpose: '', trips: [blankTrip()] },
    event: { name: '', category: '三类', held_on: '', persons: '', days: '', amount: '' },
    reception: {
      letter_no: '',
      letter_issuer: '',
      letter_dated: '',
      held_on: '',
      guests: [{ name: '', organisation: '', position: '' }],
      accompany: '0',
      meals: '1',
      amount: '',
    },
    other: { spent_on: '', items: [{ description: '', amount: '' }] },
    invoices: [],
  }
}

const orZero = (t: string) => cents(String(t ?? '').trim() || '0')
const days = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1

/** A trip's total in cents, and what of it must be invoiced (fare and lodging); null while unreadable. */
export function tripCents(t: Trip): { total: bigint; invoiced: bigint } | null {
  const parts = [t.fare, t.lodging, t.meals, t.city_transport].map(orZero)
  if (parts.some((p) => p === null)) return null
  const [fare, lodging, meals, city] = parts as bigint[]
  return { total: fare + lodging + meals + city, invoiced: fare + lodging }
}

/** The claim's amount (the detail's total) and what must be invoiced, in yuan; null while a figure is missing. */
export function claimTotals(form: ClaimForm): { total: string; invoiced: string } | null {
  let total = 0n
  let invoiced = 0n
  if (form.kind === 'travel') {
    for (const t of form.travel.trips) {
      const c = tripCents(t)
      if (!c) return null
      total += c.total
      invoiced += c.invoiced
    }
  } else if (form.kind === 'meeting' || form.kind === 'training' || form.kind === 'reception') {
    const c = cents((form.kind === 'reception' ? form.reception.amount : form.event.amount).trim())
    if (c === null) return null
    total = invoiced = c
  } else {
    for (const item of form.other.items) {
      const c = cents(item.amount.trim())
      if (c === null) return null
      total += c
    }
    invoiced = total
  }
  return { total: fromCents(total), invoiced: fromCents(invoiced) }
}

/** A transport class above the traveller's rank: the service lets it through and flags it for the approver. */
export function travelClassAdvice(form: ClaimForm): string[] {
  if (form.kind !== 'travel') return []
  const level = RANK_LEVEL[form.travel.rank] ?? 1
  return form.travel.trips.flatMap((t, i) => {
    const needed = TRANSPORT_CLASSES[t.transport_mode]?.[t.transport_class]
    return needed && needed > level
      ? [`第 ${i + 1} 段行程乘坐${t.transport_mode}${t.transport_class}，超出${form.travel.rank}可乘坐的等级：可以提交，审批时会提示`]
      : []
  })
}

function money0(text: string): boolean {
  const t = String(text ?? '').trim()
  return !t || AMOUNT_PATTERN.test(t)
}

function tripErrors(t: Trip, at: string): Record<string, string> {
  const e: Record<string, string> = {}
  if (!DATE_PATTERN.test(t.departed_on)) e[`${at}.departed_on`] = '请选择出发日期'
  if (!DATE_PATTERN.test(t.returned_on)) e[`${at}.returned_on`] = '请选择返回日期'
  else if (!e[`${at}.departed_on`] && t.returned_on < t.departed_on)
    e[`${at}.returned_on`] = `返回日期（${t.returned_on}）不能早于出发日期（${t.departed_on}）`
  if (!t.from_city.trim()) e[`${at}.from_city`] = '请填写出发地'
  if (!t.to_city.trim()) e[`${at}.to_city`] = '请填写目的地'
  if (!CITY_TIERS.includes(t.city_tier)) e[`${at}.city_tier`] = `城市类别应为 ${CITY_TIERS.join('、')} 之一`
  const nights = String(t.nights ?? '').trim()
  if (!/^\d{1,3}$/.test(nights)) e[`${at}.nights`] = '住宿晚数为 0 或正整数'
  else if (!e[`${at}.departed_on`] && !e[`${at}.returned_on`]) {
    const canStay = days(t.departed_on, t.returned_on) - 1
    if (Number(nights) > canStay) e[`${at}.nights`] = `住宿 ${nights} 晚超过行程可住晚数（${canStay} 晚）`
  }
  const classes = TRANSPORT_CLASSES[t.transport_mode]
  if (!classes) e[`${at}.transport_mode`] = `交通方式应为 ${Object.keys(TRANSPORT_CLASSES).join('、')} 之一`
  else if (!(t.transport_class in classes))
    e[`${at}.transport_class`] = `${t.transport_mode}的座席（舱位）应为 ${Object.keys(classes).join('、')} 之一`
  for (const f of ['fare', 'lodging', 'meals', 'city_transport'] as const)
    if (!money0(t[f])) e[`${at}.${f}`] = '金额只能是数字，最多两位小数'
  if (!e[`${at}.lodging`] && (orZero(t.lodging) ?? 0n) > 0n && nights === '0') e[`${at}.lodging`] = '未住宿（0 晚）不能报销住宿费'
  return e
}

function count(text: string, min: number, max: number): boolean {
  const t = String(text ?? '').trim()
  return /^\d{1,6}$/.test(t) && Number(t) >= min && Number(t) <= max
}

function detailErrors(form: ClaimForm): Record<string, string> {
  const e: Record<string, string> = {}
  if (form.kind === 'travel') {
    const d = form.travel
    if (!d.traveller.trim()) e['detail.traveller'] = '请填写出差人'
    if (!RANKS.includes(d.rank)) e['detail.rank'] = '请选择出差人职级'
    if (!d.trips.length) e['detail.trips'] = '至少填写一段行程'
    d.trips.forEach((t, i) => Object.assign(e, tripErrors(t, `detail.trips[${i}]`)))
  } else if (form.kind === 'meeting' || form.kind === 'training') {
    const d = form.event
    const categories = form.kind === 'meeting' ? MEETING_CATEGORIES : TRAINING_CATEGORIES
    if (!d.name.trim()) e['detail.name'] = form.kind === 'meeting' ? '请填写会议名称' : '请填写培训名称'
    if (!categories.includes(d.category)) e['detail.category'] = `类别应为 ${categories.join('、')} 之一`
    if (!DATE_PATTERN.test(d.held_on)) e['detail.held_on'] = '请选择举办日期'
    if (!count(d.persons, 1, 100_000)) e['detail.persons'] = '人数为正整数'
    if (!count(d.days, 1, 366)) e['detail.days'] = '天数为 1 至 366 的整数'
    const bad = amountError(d.amount)
    if (bad) e['detail.amount'] = bad
  } else if (form.kind === 'reception') {
    const d = form.reception
    if (!d.letter_no.trim()) e['detail.letter.no'] = '公务接待须有来访单位公函：请填写公函编号'
    if (!d.letter_issuer.trim()) e['detail.letter.issuer'] = '请填写发函单位'
    if (!DATE_PATTERN.test(d.letter_dated)) e['detail.letter.dated'] = '请选择公函日期'
    if (!DATE_PATTERN.test(d.held_on)) e['detail.held_on'] = '请选择接待日期'
    if (!d.guests.length) e['detail.guests'] = '请填写接待对象清单'
    d.guests.forEach((g, i) => {
      if (!g.name.trim()) e[`detail.guests[${i}].name`] = '请填写姓名'
      if (!g.organisation.trim()) e[`detail.guests[${i}].organisation`] = '请填写单位'
    })
    if (!count(d.accompany, 0, 100)) e['detail.accompany'] = '陪餐人数为 0 至 100 的整数'
    if (!count(d.meals, 1, 30)) e['detail.meals'] = '用餐次数为 1 至 30 的整数'
    const bad = amountError(d.amount)
    if (bad) e['detail.amount'] = bad
  } else if (form.kind === 'other') {
    const d = form.other
    if (!DATE_PATTERN.test(d.spent_on)) e['detail.spent_on'] = '请选择发生日期'
    if (!d.items.length) e['detail.items'] = '至少填写一项费用'
    d.items.forEach((item, i) => {
      if (!item.description.trim()) e[`detail.items[${i}].description`] = '请填写费用内容'
      const bad = amountError(item.amount)
      if (bad) e[`detail.items[${i}].amount`] = bad
    })
  } else e.kind = '请选择报销类别'
  return e
}

/** Every field error of the claim form, and the claim-wide rules once the figures are readable. */
export function claimErrors(form: ClaimForm, today: string): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!form.title.trim()) errors.title = '请填写报销事由'
  else if (form.title.trim().length > 500) errors.title = '报销事由不能超过 500 个字'
  if (!form.application && !form.budget_line_id) errors.budget_line_id = '请选择已批准的事前申请；小额直接报销时选择预算指标'
  Object.assign(errors, detailErrors(form), invoiceErrors(form.invoices, today))
  const totals = claimTotals(form)
  if (totals && cents(totals.total) === 0n && !Object.keys(errors).length) errors._form = '报销金额须大于零'
  if (totals && cents(totals.total)! > 0n) {
    const total = cents(totals.total)!
    if (form.application) {
      const approved = cents(form.application.amount)!
      if (total > approved)
        errors.application_id = `报销金额 ${money(totals.total)} 元超过事前申请批准金额 ${money(form.application.amount)} 元，超出 ${money(fromCents(total - approved))} 元：请先调整事前申请`
    } else if (total > cents(STANDALONE_LIMIT)!)
      errors.application_id = `报销金额 ${money(totals.total)} 元超过无事前申请可直接报销的上限 ${money(STANDALONE_LIMIT)} 元，须依据已批准的事前申请报销`
    const covered = cents(invoiceTotal(form.invoices))!
    if (covered < cents(totals.invoiced)!)
      errors.invoices = `须凭发票报销的金额 ${money(totals.invoiced)} 元，所附发票合计 ${money(fromCents(covered))} 元，差 ${money(fromCents(cents(totals.invoiced)! - covered))} 元`
  }
  return errors
}

/** The request body of POST /expense-claims. */
export function claimBody(form: ClaimForm): Record<string, unknown> {
  const trim = (t: string) => String(t ?? '').trim()
  let detail: Record<string, unknown>
  if (form.kind === 'travel') {
    const d = form.travel
    detail = {
      traveller: trim(d.traveller),
      rank: d.rank,
      purpose: trim(d.purpose),
      trips: d.trips.map((t) => ({
        departed_on: t.departed_on,
        returned_on: t.returned_on,
        from_city: trim(t.from_city),
        to_city: trim(t.to_city),
        city_tier: t.city_tier,
        nights: Number(t.nights),
        transport_mode: t.transport_mode,
        transport_class: t.transport_class,
        fare: trim(t.fare) || '0.00',
        lodging: trim(t.lodging) || '0.00',
        meals: trim(t.meals) || '0.00',
        city_transport: trim(t.city_transport) || '0.00',
      })),
    }
  } else if (form.kind === 'meeting' || form.kind === 'training') {
    const d = form.event
    detail = {
      name: trim(d.name),
      category: d.category,
      held_on: d.held_on,
      persons: Number(d.persons),
      days: Number(d.days),
      amount: trim(d.amount),
    }
  } else if (form.kind === 'reception') {
    const d = form.reception
    detail = {
      letter: { no: trim(d.letter_no), issuer: trim(d.letter_issuer), dated: d.letter_dated },
      held_on: d.held_on,
      guests: d.guests.map((g) => ({
        name: trim(g.name),
        organisation: trim(g.organisation),
        ...(trim(g.position) ? { position: trim(g.position) } : {}),
      })),
      accompany: Number(d.accompany),
      meals: Number(d.meals),
      amount: trim(d.amount),
    }
  } else {
    detail = {
      spent_on: form.other.spent_on,
      items: form.other.items.map((i) => ({ description: trim(i.description), amount: trim(i.amount) })),
    }
  }
  const body: Record<string, unknown> = {
    title: trim(form.title),
    kind: form.kind,
    detail,
    invoices: form.invoices.map(invoiceBody),
  }
  if (form.application) body.application_id = form.application.id
  else body.budget_line_id = form.budget_line_id
  return body
}

// The payment service's claim refusals that name no field (409/403), placed at the field they are about.
export const CLAIM_REFUSALS: RefusalFields = {
  expense_claim_requires_application: 'application_id',
  expense_claim_exceeds_application: 'application_id',
  expense_claim_application_not_approved: 'application_id',
  expense_claim_application_claimed: 'application_id',
  expense_claim_application_used: 'application_id',
  expense_claim_application_other_unit: 'application_id',
  expense_claim_invoices_short: 'invoices',
  invoice_already_used: 'invoices',
  invoice_duplicated: 'invoices',
  expenditure_standard_exceeded: 'detail',
  budget_insufficient: 'budget_line_id',
}

// ── 修改后重新提交: a returned claim's own detail and invoices back into the form, and the resubmission's body ──
const text = (v: unknown, fallback = '') => (v === null || v === undefined ? fallback : String(v))

/** The form a returned claim fills (GET /expense-claims/{id}): its kind, basis, detail and invoices as they
 * were, so the claimant corrects them rather than typing them again. */
export function claimFormFrom(doc: Record<string, any>, applicationAmount: string | null): ClaimForm {
  const form = blankClaim()
  const d = (doc.detail ?? {}) as Record<string, any>
  form.title = text(doc.title)
  form.kind = text(doc.kind, 'travel')
  if (doc.application?.id)
    form.application = { id: doc.application.id, no: doc.application.no, amount: applicationAmount ?? '0.00', budget_line_id: doc.budget_line_id }
  else form.budget_line_id = text(doc.budget_line_id)
  if (form.kind === 'travel') {
    form.travel = {
      traveller: text(d.traveller),
      rank: text(d.rank, '其余人员'),
      purpose: text(d.purpose),
      trips: (d.trips ?? []).map((t: Record<string, any>) => ({
        ...blankTrip(),
        ...Object.fromEntries(Object.keys(blankTrip()).map((k) => [k, text(t[k], (blankTrip() as any)[k])])),
      })),
    }
    if (!form.travel.trips.length) form.travel.trips = [blankTrip()]
  } else if (form.kind === 'meeting' || form.kind === 'training') {
    form.event = {
      name: text(d.name),
      category: text(d.category, '三类'),
      held_on: text(d.held_on),
      persons: text(d.persons),
      days: text(d.days),
      amount: text(d.amount),
    }
  } else if (form.kind === 'reception') {
    form.reception = {
      letter_no: text(d.letter?.no),
      letter_issuer: text(d.letter?.issuer),
      letter_dated: text(d.letter?.dated),
      held_on: text(d.held_on),
      guests: (d.guests ?? []).map((g: Record<string, any>) => ({ name: text(g.name), organisation: text(g.organisation), position: text(g.position) })),
      accompany: text(d.accompany, '0'),
      meals: text(d.meals, '1'),
      amount: text(d.amount),
    }
    if (!form.reception.guests.length) form.reception.guests = [{ name: '', organisation: '', position: '' }]
  } else {
    form.other = {
      spent_on: text(d.spent_on),
      items: (d.items ?? []).map((i: Record<string, any>) => ({ description: text(i.description), amount: text(i.amount) })),
    }
    if (!form.other.items.length) form.other.items = [{ description: '', amount: '' }]
  }
  // `invoices_held`: the invoices as the registry holds them for this claim (date, issuer and all); `invoices`
  // on the claim itself are references (key, number, amount) only
  const held = doc.invoices_held?.length ? doc.invoices_held : doc.invoices ?? []
  form.invoices = held.map((inv: Record<string, any>) => ({
    number: text(inv.number),
    code: text(inv.code),
    issued_on: text(inv.issued_on),
    issuer_credit_code: text(inv.issuer_credit_code),
    amount: text(inv.amount),
    tax: text(inv.tax, '0.00'),
  }))
  return form
}

/** POST /expense-claims/{id}/resubmit: the title, detail and invoices; the kind and basis stay the claim's. */
export function resubmitClaimBody(form: ClaimForm): Record<string, unknown> {
  const { title, detail, invoices } = claimBody(form)
  return { title, detail, invoices }
}

/** Only the claimant resubmits, and only a returned claim (the server says the same, 403/409). */
export function resubmitClaimErrors(doc: { status: string; claimant: string }, actor: string): Record<string, string> {
  if (doc.status !== 'returned') return { _form: '只有被退回的报销单可以修改后重新提交' }
  if (doc.claimant !== actor) return { _form: '只有报销人本人可以修改并重新提交' }
  return {}
}
