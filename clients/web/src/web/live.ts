// Pages watch `live.tick` to reload when a notification arrives (a task assigned, a form approved).
import { reactive } from 'vue'
import type { Notification } from '@/lib/notifications'

export const live = reactive<{ tick: number; last: Notification | null }>({ tick: 0, last: null })
