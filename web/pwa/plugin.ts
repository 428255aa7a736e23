import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
import { iconPng, iconSvg } from './icons'

// pwaPlugin adds the installable app's files to the production build: the
// web app manifest, its icons (drawn here, PNG and SVG, no third-party art)
// and the service worker (sw.js) with the build's file list to precache
// and a version derived from it, so that every build that changes a file
// installs a new shell and deletes the old one.

const ICONS = [
  { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
  { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
  { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
]

export const manifest = {
  name: 'Livedesk',
  short_name: 'Livedesk',
  description: 'Deliveries, rounds and payments, live, and offline on the round.',
  id: '/',
  start_url: '/today',
  scope: '/',
  display: 'standalone',
  orientation: 'portrait',
  background_color: '#ffffff',
  theme_color: '#16a34a',
  icons: ICONS.map(({ src, sizes, type, purpose }) => ({ src, sizes, type, purpose })),
}

export function pwaPlugin(): Plugin {
  return {
    name: 'livedesk-pwa',
    apply: 'build',
    transformIndexHtml() {
      return [
        { tag: 'link', attrs: { rel: 'manifest', href: '/manifest.webmanifest' }, injectTo: 'head' },
        { tag: 'link', attrs: { rel: 'apple-touch-icon', href: '/icons/icon-192.png' }, injectTo: 'head' },
        { tag: 'meta', attrs: { name: 'theme-color', content: manifest.theme_color }, injectTo: 'head' },
      ]
    },
    generateBundle(_opts, bundle) {
      const emit = (fileName: string, source: string | Uint8Array) => this.emitFile({ type: 'asset', fileName, source })
      emit('manifest.webmanifest', JSON.stringify(manifest, null, 2) + '\n')
      emit('icons/icon-192.png', iconPng(192, false))
      emit('icons/icon-512.png', iconPng(512, false))
      emit('icons/maskable-512.png', iconPng(512, true))
      emit('icons/icon.svg', iconSvg())
      const files = Object.keys(bundle).filter((f) => !f.endsWith('.map'))
      const precache = ['/', '/index.html', '/manifest.webmanifest', ...ICONS.map((i) => i.src), ...files.filter((f) => f !== 'index.html').map((f) => '/' + f)]
      const unique = [...new Set(precache)].sort()
      const hash = createHash('sha256')
      for (const f of Object.keys(bundle).sort()) {
        const chunk = bundle[f]!
        hash.update(f)
        hash.update(chunk.type === 'chunk' ? chunk.code : typeof chunk.source === 'string' ? chunk.source : Buffer.from(chunk.source))
      }
      const version = hash.digest('hex').slice(0, 12)
      const template = readFileSync(fileURLToPath(new URL('./sw.js', import.meta.url)), 'utf8')
      const sw = template.replace("'__LIVEDESK_VERSION__'", JSON.stringify(version)).replace('__LIVEDESK_PRECACHE__', JSON.stringify(unique))
      emit('sw.js', sw)
    },
  }
}
