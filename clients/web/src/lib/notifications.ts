// Live notifications from GET /api/v1/notifications/stream (server-sent events). EventSource cannot send the
// bearer token, so the stream is read with fetch; on a dropped connection it resumes after the last id.
import { authHeaders, request, url } from '@/api/client'

/** The newest notification's id and how many are unread: the stream then brings only what is new, so a page
 *  load does not pop up every unread message again. */
export async function latest(): Promise<{ id: number; unread: number }> {
  try {
    const page = await request<{ items: Array<{ id: number }>; unread?: number }>('GET', '/notifications', {
      query: { page: 1, page_size: 1 },
    })
    return { id: page.items[0]?.id ?? 0, unread: page.unread ?? 0 }
  } catch {
    return { id: 0, unread: 0 }
  }
}

export interface Notification {
  id: number
  kind?: string
  title?: string
  message?: string
  body?: string
  created_at?: string
  document?: { type: string; id: string; no?: string }
  [key: string]: unknown
}

export function parseEvents(buffer: string): { events: Array<{ id?: string; event?: string; data: string }>; rest: string } {
  const events: Array<{ id?: string; event?: string; data: string }> = []
  const blocks = buffer.split(/\r?\n\r?\n/)
  const rest = blocks.pop() ?? ''
  for (const block of blocks) {
    const event: { id?: string; event?: string; data: string } = { data: '' }
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue
      const i = line.indexOf(':')
      const field = i < 0 ? line : line.slice(0, i)
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '')
      if (field === 'data') event.data += (event.data ? '\n' : '') + value
      else if (field === 'id') event.id = value
      else if (field === 'event') event.event = value
    }
    if (event.data) events.push(event)
  }
  return { events, rest }
}

/** Listen until stop() is called; each notification newer than `since` is handed to `on`. */
export function listen(on: (n: Notification) => void, since = 0): () => void {
  let stopped = false
  let after = since
  let controller: AbortController | null = null
  const run = async () => {
    while (!stopped) {
      controller = new AbortController()
      try {
        const response = await fetch(url('/notifications/stream', after ? { after } : {}), {
          headers: { ...authHeaders(), Accept: 'text/event-stream' },
          signal: controller.signal,
        })
        if (!response.ok || !response.body) throw new Error(String(response.status))
        const reader = response.body.getReader()
        const decoder = new TextDecoder()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          const parsed = parseEvents(buffer + decoder.decode(value, { stream: true }))
          buffer = parsed.rest
          for (const e of parsed.events) {
            if (e.id && /^\d+$/.test(e.id)) after = Math.max(after, Number(e.id))
            try {
              on(JSON.parse(e.data) as Notification)
            } catch {
              /* a malformed event is skipped, the stream goes on */
            }
          }
        }
      } catch {
        /* reconnect below */
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 3000))
    }
  }
  void run()
  return () => {
    stopped = true
    controller?.abort()
  }
}

export function notificationText(n: Notification): string {
  return String(n.message ?? n.title ?? n.body ?? '您有一条新消息')
}
