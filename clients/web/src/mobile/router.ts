import { createRouter, createWebHistory } from 'vue-router'
import { session, whenSignedOut } from '@/api/client'

export const router = createRouter({
  history: createWebHistory('/m/'),
  routes: [
    { path: '/login', component: () => import('./views/LoginView.vue'), meta: { title: '登录', public: true } },
    { path: '/', component: () => import('./views/InboxView.vue'), meta: { title: '待办' } },
    { path: '/task/:taskId', component: () => import('./views/TaskView.vue'), meta: { title: '审批' } },
    { path: '/messages', component: () => import('./views/MessagesView.vue'), meta: { title: '消息' } },
    { path: '/mine', component: () => import('./views/MineView.vue'), meta: { title: '我的申请' } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach((to) => {
  if (!to.meta.public && !session.current) return { path: '/login', query: { next: to.fullPath } }
})
router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? '')} · 内控审批`
})
whenSignedOut(() => void router.push('/login'))
