// The one door to the public /api/v1: a bearer token kept in localStorage, refreshed before it expires when the
// gateway offers POST /auth/refresh; without it, a 401 sends the user back to sign in.
import { reactive } from 'vue'

const BASE = '/api/v1'
const KEY = 'ic.session'
const REFRESH_MARGIN_S = 120

export interface SessionUser {
  username: string
  name?: string
  unit?: string
  unit_name?: string
  roles?: string[]
  title?: string
  [key: string]: unknown
}

interface Session {
  token: string
  expiresAt: number // epoch ms
  user: SessionUser
}

export const session = reactive<{ current: Session | null }>({ current: load() })

function load(): Session | null {
  try {
    const raw = localStorage.getItem(KEY)
    const parsed = raw ? (JSON.parse(raw) as Session) : null
    return parsed && parsed.expiresAt > Date.now() ? parsed : null
  } catch {
    return null
  }
}

function save(s: Session | null): void {
  session.current = s
  if (s) localStorage.setItem(KEY, JSON.stringify(s))
  else localStorage.removeItem(KEY)
  schedule()
}

/** An error answer of the API: `{"error": {"code", "message", "details"}}`, with the fields it names. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details: Record<string, unknown> = {},
  ) {
    super(message)
  }

  /** Field → Chinese reason, from details.fields (list of {field, reason} or a mapping). Each field is given
   *  under its whole path as the forms key it (`milestones[0].share`, `detail.trips[0].nights`: the services
   *  write `milestones.0.share` or `milestones[0].share`) and under its last name (`share`), for short forms. */
  get fields(): Record<string, string> {
    const raw = this.details?.fields
    const out: Record<string, string> = {}
    const put = (field: string, reason: string) => {
      if (!field) return
      const path = fieldPath(field)
      out[path] = reason
      const last = field.split('.').pop() || ''
      if (last && !(last in out)) out[last] = reason
    }
    if (Array.isArray(raw)) {
      for (const f of raw as Array<Record<string, unknown>>)
        put(String(f.field ?? f.loc ?? f.name ?? ''), String(f.message ?? f.msg ?? f.reason ?? ''))
    } else if (raw && typeof raw === 'object') {
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) put(k, String(v))
    }
    // A domain refusal that names one field (details.field) is shown at that field, with its message.
    const one = this.details?.field
    if (typeof one === 'string' && !out[one]) out[one] = this.message
    return out
  }
}

/** A field's path as the forms key it: list indexes in brackets (`trips.0.nights` → `trips[0].nights`). */
export function fieldPath(field: string): string {
  return field.replace(/\.(\d+)(?=\.|$)/g, '[$1]')
}

let onSignedOut: () => void = () => {}
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn
}

export async function login(username: string, password: string): Promise<SessionUser> {
  const answer = await request<{ access_token: string; expires_in: number; user: SessionUser }>('POST', '/auth/login', {
    body: { username, password },
    anonymous: true,
  })
  save({ token: answer.access_token, expiresAt: Date.now() + answer.expires_in * 1000, user: answer.user })
  return answer.user
}

export function logout(): void {
  save(null)
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined
let refreshAvailable = true

function schedule(): void {
  clearTimeout(refreshTimer)
  const s = session.current
  if (!s || !refreshAvailable) return
  const wait = Math.max(5_000, s.expiresAt - Date.now() - REFRESH_MARGIN_S * 1000)
  refreshTimer = setTimeout(() => void refresh(), wait)
}

/** Renew the token before it expires; a gateway without the refresh route is remembered and not asked again. */
export async function refresh(): Promise<boolean> {
  const s = session.current
  if (!s) return false
  try {
    const answer = await request<{ access_token: string; expires_in: number; user?: SessionUser }>(
      'POST',
      '/auth/refresh',
      { body: {}, noRetry: true },
    )
    save({ token: answer.access_token, expiresAt: Date.now() + answer.expires_in * 1000, user: answer.user ?? s.user })
    return true
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) refreshAvailable = false
    return false
  }
}

interface Options {
  body?: unknown
  query?: Record<string, string | number | boolean | undefined | null>
  idempotencyKey?: string
  anonymous?: boolean
  noRetry?: boolean
}

export function url(path: string, query?: Options['query']): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const text = q.toString()
  return BASE + path + (text ? `?${text}` : '')
}

export function authHeaders(): Record<string, string> {
  return session.current ? { Authorization: `Bearer ${session.current.token}` } : {}
}

export async function request<T>(method: string, path: string, opts: Options = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.anonymous ? {} : authHeaders()) }
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey
  let response: Response
  try {
    response = await fetch(url(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    })
  } catch {
    throw new ApiError(0, 'network', '网络连接失败，请检查网络后重试')
  }
  if (response.status === 401 && !opts.anonymous) {
    if (!opts.noRetry && (await refresh())) return request<T>(method, path, { ...opts, noRetry: true })
    if (path !== '/auth/refresh') {
      save(null)
      onSignedOut()
    }
  }
  if (!response.ok) throw await errorOf(response)
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = await response.json()
    const e = body?.error ?? {}
    return new ApiError(response.status, e.code ?? 'error', e.message ?? statusText(response.status), e.details ?? {})
  } catch {
    return new ApiError(response.status, 'error', statusText(response.status))
  }
}

function statusText(status: number): string {
  if (status === 401) return '登录已失效，请重新登录'
  if (status === 403) return '没有权限执行此操作'
  if (status === 404) return '未找到，或不在您的数据权限范围内'
  if (status >= 500) return '服务暂不可用，请稍后重试'
  return '请求失败'
}

/** Download a file the API answers (an Excel export) with the bearer token, under the name it gives. */
export async function download(path: string, query: Options['query'], fallbackName: string): Promise<void> {
  const response = await fetch(url(path, query), { headers: authHeaders() })
  if (!response.ok) throw await errorOf(response)
  const blob = await response.blob()
  const disposition = response.headers.get('Content-Disposition') ?? ''
  const match = /filename\*=UTF-8''([^;]+)/.exec(disposition)
  const name = match ? decodeURIComponent(match[1]) : fallbackName
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = name
  link.click()
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
}

/** Upload a file (multipart, field `file`) with the bearer token and the form's Idempotency-Key. */
export async function upload<T>(path: string, file: File, idempotencyKey: string): Promise<T> {
  const body = new FormData()
  body.append('file', file)
  let response: Response
  try {
    response = await fetch(url(path), { method: 'POST', headers: { ...authHeaders(), 'Idempotency-Key': idempotencyKey }, body })
  } catch {
    throw new ApiError(0, 'network', '网络连接失败，请检查网络后重试')
  }
  if (!response.ok) throw await errorOf(response)
  return (await response.json()) as T
}

/** Send a file as the request body (the budget line import: Content-Type of the file), reporting the upload's
 *  progress (0–100) as it goes; XMLHttpRequest, since fetch cannot tell upload progress. */
export function sendFile<T>(path: string, file: Blob, contentType: string, query: Options['query'], onProgress: (percent: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url(path, query))
    for (const [k, v] of Object.entries({ ...authHeaders(), 'Content-Type': contentType, Accept: 'application/json' })) xhr.setRequestHeader(k, v)
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100))
    xhr.onerror = () => reject(new ApiError(0, 'network', '网络连接失败，请检查网络后重试'))
    xhr.onload = () => {
      let body: any = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = null
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T)
      const e = body?.error ?? {}
      reject(new ApiError(xhr.status, e.code ?? 'error', e.message ?? statusText(xhr.status), e.details ?? {}))
    }
    xhr.send(file)
  })
}

/** An attachment's content, fetched with the bearer token and opened (or saved) under its name. */
export async function openFile(path: string, name: string): Promise<void> {
  const response = await fetch(url(path), { headers: authHeaders() })
  if (!response.ok) throw await errorOf(response)
  const link = document.createElement('a')
  link.href = URL.createObjectURL(await response.blob())
  link.download = name
  link.click()
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
}

/** A fresh Idempotency-Key: one per form, kept until the form is submitted successfully. */
export function newKey(): string {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID()
  return `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}

schedule()
