// A document as the desk shows it: its fields (matter applications have their own read), route and story.
import { api, type Route } from '@/api/endpoints'
import { ApiError, request } from '@/api/client'

export interface Loaded {
  doc: Record<string, unknown> | null
  route: Route | null
  history: Array<Record<string, string>>
  linked: Array<{ type: string; id: string; no?: string }>
}

// Documents with a read of their own (the answer carries its route too); others are shown by their route.
const READS: Record<string, string> = {
  matter_application: '/matter-applications/',
  budget_adjustment: '/budget-adjustments/',
  budget_override: '/budget-overrides/',
  procurement_application: '/procurement-applications/',
}

export async function loadDocument(type: string, id: string): Promise<Loaded> {
  let doc: Record<string, unknown> | null = null
  let route: Route | null = null
  if (READS[type]) {
    const answer = await request<Record<string, unknown> & { route: Route | null }>('GET', READS[type] + encodeURIComponent(id))
    route = answer.route
    doc = answer
  } else {
    route = await api.route(type, id).catch((e) => {
      if (e instanceof ApiError && e.status === 404) return null
      throw e
    })
    doc = route ? { ...route, no: (route as unknown as { document: { no?: string } }).document?.no } : null
  }
  const dossier = await api.dossier(type, id).catch(() => ({ entries: [], linked_documents: [] }))
  return { doc, route, history: dossier.entries ?? [], linked: dossier.linked_documents ?? [] }
}
