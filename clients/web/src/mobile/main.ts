import { createApp } from 'vue'
import 'vant/es/toast/style'
import 'vant/es/notify/style'
import App from './App.vue'
import { router } from './router'
import '../shared.css'

createApp(App).use(router).mount('#app')
