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
  contract: '/contracts/',
  expense_claim: '/expense-claims/',
  payment_request: '/payments/',
}

// Those whose read answers their route too (and whose 404 means: not in the reader's data scope).
const OWN_ROUTE = new Set(['matter_application', 'budget_adjustment', 'budget_override', 'procurement_application'])

export async function loadDocument(type: string, id: string): Promise<Loaded> {
  let doc: Record<string, unknown> | null = null
  let route: Route | null = null
  const answer = READS[type]
    ? await request<Record<string, unknown> & { route?: Route | null }>('GET', READS[type] + encodeURIComponent(id)).catch(
        (e) => {
          // An approver reads a later document through its route when its owner does not let them read it
          if (OWN_ROUTE.has(type) || !(e instanceof ApiError && e.status === 404)) throw e
          return null
        },
      )
    : null
  if (answer) {
    // Reads of the later documents carry no route: it is asked of approval (404 while not yet routed)
    route = OWN_ROUTE.has(type) ? (answer.route ?? null) : await api.route(type, id).catch(() => null)
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
