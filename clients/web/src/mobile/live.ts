import { reactive } from 'vue'

export const live = reactive({ tick: 0 })
