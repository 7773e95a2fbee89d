import { createRouter, createWebHistory } from 'vue-router'
import { session, whenSignedOut } from '@/api/client'

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/login', component: () => import('./views/LoginView.vue'), meta: { title: '登录', public: true } },
    { path: '/', component: () => import('./views/HomeView.vue'), meta: { title: '首页' } },
    { path: '/apply', component: () => import('./views/ApplyView.vue'), meta: { title: '事前申请' } },
    { path: '/procurement', component: () => import('./views/ProcurementView.vue'), meta: { title: '采购申请' } },
    { path: '/adjust', component: () => import('./views/AdjustView.vue'), meta: { title: '预算调整' } },
    { path: '/desk', component: () => import('./views/DeskView.vue'), meta: { title: '审批台' } },
    { path: '/desk/:taskId', component: () => import('./views/TaskView.vue'), meta: { title: '审批' } },
    {
      path: '/documents/:type/:id',
      component: () => import('./views/DocumentView.vue'),
      meta: { title: '单据详情' },
    },
    { path: '/messages', component: () => import('./views/MessagesView.vue'), meta: { title: '消息' } },
    { path: '/delegation', component: () => import('./views/DelegationView.vue'), meta: { title: '审批代理' } },
    { path: '/dashboard', component: () => import('./views/DashboardView.vue'), meta: { title: '预算执行' } },
    { path: '/supervision', component: () => import('./views/SupervisionView.vue'), meta: { title: '监督看板' } },
    { path: '/contracts', component: () => import('./views/ContractsView.vue'), meta: { title: '合同管理' } },
    { path: '/contracts/new', component: () => import('./views/ContractFormView.vue'), meta: { title: '合同登记' } },
    { path: '/contracts/:id', component: () => import('./views/ContractView.vue'), meta: { title: '合同详情' } },
    { path: '/claims', component: () => import('./views/ClaimView.vue'), meta: { title: '报销' } },
    { path: '/expense-claims', component: () => import('./views/ClaimsView.vue'), meta: { title: '报销单' } },
    {
      path: '/trail/:type/:id',
      component: () => import('./views/TrailView.vue'),
      meta: { title: '审批留痕与校验' },
    },
    { path: '/payments', component: () => import('./views/PaymentsView.vue'), meta: { title: '付款申请' } },
    { path: '/payments/new', component: () => import('./views/PaymentFormView.vue'), meta: { title: '付款申请' } },
    { path: '/payments/:id', component: () => import('./views/PaymentView.vue'), meta: { title: '付款申请详情' } },
    {
      path: '/supplier-analysis',
      component: () => import('./views/SupplierAnalysisView.vue'),
      meta: { title: '供应商分析' },
    },
    { path: '/admin/budget', component: () => import('./views/AdminView.vue'), meta: { title: '财务管理' } },
    { path: '/org/units', component: () => import('./views/org/UnitsView.vue'), meta: { title: '单位与负责人' } },
    { path: '/org/people', component: () => import('./views/org/PeopleView.vue'), meta: { title: '人员管理' } },
    {
      path: '/org/people/:username',
      component: () => import('./views/org/PersonView.vue'),
      meta: { title: '人员详情' },
    },
    { path: '/:rest(.*)*', component: () => import('./views/NotFoundView.vue'), meta: { title: '页面不存在' } },
  ],
})

router.beforeEach((to) => {
  if (!to.meta.public && !session.current) return { path: '/login', query: { next: to.fullPath } }
})
router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? '')} · 内部控制管理系统`
})
whenSignedOut(() => void router.push({ path: '/login', query: { next: router.currentRoute.value.fullPath } }))
