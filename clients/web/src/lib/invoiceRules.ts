// Invoices as expense claims and payment requests list them (发票), checked before they are sent as the payment
// service checks them (services/payment/domain/invoices.py, docs/payments.md): the number however written
// (a 20-digit 全电发票 number, or an older invoice's 8-digit number with its 10- or 12-digit code), the issuer's
// unified social credit code with its check characters (GB 32100), the date not after today, the amount above
// zero and the tax below it; the same invoice twice on one document is refused. Field keys are the service's
// (`invoices[1].number`). Whether an invoice was used by another document only the registry knows (409).
import { cents, fromCents } from './format'
import { AMOUNT_PATTERN } from './rules'
import { DATE_PATTERN } from './formErrors'

export interface InvoiceForm {
  number: string
  code: string
  issued_on: string
  issuer_credit_code: string
  amount: string
  tax: string
}

export function blankInvoice(issuer = ''): InvoiceForm {
  return { number: '', code: '', issued_on: '', issuer_credit_code: issuer, amount: '', tax: '0.00' }
}

const SEPARATORS = /[\s\-‐‑‒–—―−﹘﹣_./·]+/g
const PREFIX = /^\s*(?:no|№)\s*[.:：]?\s*/i
const FIRST_DIGITAL_YEAR = '21' // 全电发票 were first issued in 2021

/** The invoice's key (`20 digits` or `code-number`), or the field and why it is not an invoice number. */
export function invoiceKey(numberText: string, codeText = ''): { key: string } | { field: 'number' | 'code'; reason: string } {
  let number = (numberText ?? '').normalize('NFKC').trim().replace(PREFIX, '')
  let code = (codeText ?? '').normalize('NFKC').trim().replace(PREFIX, '')
  if (!code) {
    const groups = number.match(/[0-9]+/g) ?? []
    const separated = number.replace(SEPARATORS, '') === groups.join('') && groups.length === 2
    if (separated && [10, 12].includes(groups[0].length) && groups[1].length === 8) [code, number] = groups
  }
  let digits = number.replace(SEPARATORS, '')
  if (!digits) return { field: 'number', reason: '请填写发票号码' }
  if (!/^\d+$/.test(digits)) return { field: 'number', reason: '发票号码只能由数字组成' }
  if (!code && digits.length === 20 && digits.slice(0, 2) < FIRST_DIGITAL_YEAR) {
    code = digits.slice(0, 12)
    digits = digits.slice(12)
  }
  if (code) {
    const codeDigits = code.replace(SEPARATORS, '')
    if (!/^\d+$/.test(codeDigits)) return { field: 'code', reason: '发票代码只能由数字组成' }
    if (![10, 12].includes(codeDigits.length))
      return { field: 'code', reason: `发票代码应为 10 位或 12 位数字，实为 ${codeDigits.length} 位` }
    if (digits.length !== 8) return { field: 'number', reason: `有发票代码时发票号码应为 8 位数字，实为 ${digits.length} 位` }
    return { key: `${codeDigits}-${digits}` }
  }
  if (digits.length === 8) return { field: 'code', reason: '8 位发票号码须与 10 位或 12 位发票代码一起填写' }
  if (digits.length !== 20)
    return { field: 'number', reason: `应为 20 位全电发票号码，或 8 位号码加发票代码，实为 ${digits.length} 位` }
  return { key: digits }
}

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

/** Why a text is not a unified social credit code (统一社会信用代码), or null when it is one. */
export function creditCodeError(text: string): string | null {
  const code = (text ?? '').normalize('NFKC').replace(/\s+/g, '').toUpperCase()
  if (!code) return '请填写统一社会信用代码'
  if (code.length !== 18) return `统一社会信用代码应为 18 位，实为 ${code.length} 位`
  const bad = [...code].find((c) => !CHARSET.includes(c))
  if (bad) return `统一社会信用代码含有不允许的字符「${bad}」（不使用 I、O、S、V、Z）`
  if (!/^\d{6}$/.test(code.slice(2, 8))) return '统一社会信用代码第 3 至 8 位应为行政区划码（6 位数字）'
  const orgTotal = [...code.slice(8, 16)].reduce(
    (sum, c, i) => sum + (/\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55) * ORG_WEIGHTS[i],
    0,
  )
  const orgValue = 11 - (orgTotal % 11)
  const org = orgValue === 10 ? 'X' : orgValue === 11 ? '0' : String(orgValue)
  if (code[16] !== org) return `统一社会信用代码第 17 位（组织机构代码校验码）应为 ${org}`
  let total = 0
  let weight = 1
  for (const c of code.slice(0, 17)) {
    total += CHARSET.indexOf(c) * weight
    weight = (weight * 3) % 31
  }
  const check = CHARSET[(31 - (total % 31)) % 31]
  if (code[17] !== check) return `统一社会信用代码第 18 位校验码应为 ${check}`
  return null
}

export function sameCode(a: string | null | undefined, b: string | null | undefined): boolean {
  const fold = (s: string) => s.normalize('NFKC').trim().toUpperCase()
  return Boolean(a && b && fold(a) === fold(b))
}

/** Each invoice's field errors keyed as the service names them, and the same invoice twice. */
export function invoiceErrors(invoices: InvoiceForm[], today: string, prefix = 'invoices'): Record<string, string> {
  const errors: Record<string, string> = {}
  const seen = new Map<string, number>()
  invoices.forEach((inv, i) => {
    const at = `${prefix}[${i}]`
    const key = invoiceKey(inv.number, inv.code)
    if ('key' in key) {
      if (seen.has(key.key)) errors[`${at}.number`] = `与第 ${seen.get(key.key)! + 1} 张发票重复`
      else seen.set(key.key, i)
    } else errors[`${at}.${key.field}`] = key.reason
    if (!DATE_PATTERN.test(inv.issued_on ?? '')) errors[`${at}.issued_on`] = '请选择开票日期'
    else if (inv.issued_on > today) errors[`${at}.issued_on`] = `开票日期不能晚于今天（${today}）`
    const code = creditCodeError(inv.issuer_credit_code)
    if (code) errors[`${at}.issuer_credit_code`] = code
    const amount = String(inv.amount ?? '').trim()
    if (!AMOUNT_PATTERN.test(amount) || cents(amount) === 0n) errors[`${at}.amount`] = '价税合计须大于零，最多两位小数'
    const tax = String(inv.tax ?? '').trim() || '0'
    if (!AMOUNT_PATTERN.test(tax)) errors[`${at}.tax`] = '税额不能为负数，最多两位小数'
    else if (!errors[`${at}.amount`] && cents(tax)! >= cents(amount)!) errors[`${at}.tax`] = '税额应小于价税合计'
  })
  return errors
}

/** The invoices' total (价税合计), counting only well-formed amounts. */
export function invoiceTotal(invoices: InvoiceForm[]): string {
  let sum = 0n
  for (const inv of invoices) sum += cents(String(inv.amount ?? '').trim()) ?? 0n
  return fromCents(sum)
}

export function invoiceBody(inv: InvoiceForm): Record<string, string> {
  const out: Record<string, string> = {
    number: inv.number.trim(),
    issued_on: inv.issued_on,
    issuer_credit_code: inv.issuer_credit_code.trim(),
    amount: inv.amount.trim(),
    tax: (inv.tax ?? '').trim() || '0.00',
  }
  if (inv.code.trim()) out.code = inv.code.trim()
  return out
}
