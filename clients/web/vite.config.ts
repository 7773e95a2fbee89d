/// <reference types="vitest" />
// One Vue application, two entry points: the office web client at / (Element Plus) and the phone client at
// /m/ (Vant). Components are imported on demand so each page's chunk carries only what it uses.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { VantResolver } from '@vant/auto-import-resolver'
import { defineConfig, type Plugin } from 'vite'

const here = __dirname

// /docs and /redoc must work without internet: the gateway serves these files, copied from npm packages.
function apiDocsAssets(): Plugin {
  return {
    name: 'ic-api-docs-assets',
    apply: 'build',
    closeBundle() {
      const out = resolve(here, 'dist/vendor')
      mkdirSync(out, { recursive: true })
      const swagger = resolve(here, 'node_modules/swagger-ui-dist')
      for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png']) {
        cpSync(resolve(swagger, file), resolve(out, 'swagger-ui', file))
      }
      const redoc = resolve(here, 'node_modules/redoc/bundles/redoc.standalone.js')
      if (existsSync(redoc)) {
        mkdirSync(resolve(out, 'redoc'), { recursive: true })
        // ReDoc's sidebar shows a logo from its CDN: an empty local image instead, so nothing is fetched outside.
        const text = readFileSync(redoc, 'utf8').replaceAll(
          'https://cdn.redoc.ly/redoc/logo-mini.svg',
          "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E",
        )
        writeFileSync(resolve(out, 'redoc', 'redoc.standalone.js'), text)
      }
    },
  }
}

// Vant's icon font is inlined (woff2 as a data URL) with a fallback fetched from a CDN: the fallback goes, so the
// phone client fetches nothing outside (the gateway's content policy would block it anyway).
const CDN_FONT = /,\s*url\((?:https?:)?\/\/at\.alicdn\.com[^)]*\)\s*format\("[^"]*"\)/g
function noCdnFonts(): Plugin {
  return {
    name: 'ic-no-cdn-fonts',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type === 'asset' && file.fileName.endsWith('.css')) {
          file.source = String(file.source).replace(CDN_FONT, '')
        }
      }
    },
  }
}

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    Components({
      dts: false,
      resolvers: [ElementPlusResolver({ importStyle: 'css' }), VantResolver()],
    }),
    apiDocsAssets(),
    noCdnFonts(),
  ],
  resolve: { alias: { '@': resolve(here, 'src') } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      input: { web: resolve(here, 'index.html'), mobile: resolve(here, 'm/index.html') },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
  test: { environment: 'jsdom', include: ['tests/**/*.spec.ts'] },
})
