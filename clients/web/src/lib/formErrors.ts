// A refused submission shown where it belongs: a 422 names its fields (details.fields); a 409 names its rule
// (details.rule, or the error's code), and each form says at which field that rule is about. What names no
// field is shown above the submit button (`_form`).

export interface Refusal {
  code: string
  message: string
  details?: Record<string, unknown>
  fields?: Record<string, string>
}

/** Rule id → the form's field it is about (or a function of the refusal's details, e.g. a milestone's no). */
export type RefusalFields = Record<string, string | ((details: Record<string, unknown>) => string)>

export function errorsOf(e: unknown, refusals: RefusalFields = {}): Record<string, string> {
  const r = e as Partial<Refusal> | null
  if (!r || typeof r.code !== 'string') return { _form: '提交失败，请稍后重试' }
  const out: Record<string, string> = { ...(r.fields ?? {}) }
  const rule = String(r.details?.rule ?? r.code)
  const at = refusals[rule]
  if (at) out[typeof at === 'function' ? at(r.details ?? {}) : at] = r.message ?? ''
  if (!Object.keys(out).length) out._form = r.message ?? '提交失败'
  return out
}

/** Empty a reactive errors object in place (the template reads it by key). */
export function clear(errors: Record<string, string>): void {
  for (const k of Object.keys(errors)) delete errors[k]
}

/** Today as YYYY-MM-DD in the office's time zone (Beijing): dates are local days. */
export function today(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
}

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/
