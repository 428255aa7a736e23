import { defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'
import { pwaPlugin } from './pwa/plugin'

// The Go server serves dist/ at / with an SPA fallback; in development the
// API and the Socket.IO endpoint are proxied to a local `livedesk serve`.
const backend = process.env.LIVEDESK_DEV_BACKEND ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [react(), pwaPlugin()],
  base: '/',
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend },
      '/socket.io': { target: backend, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: false,
    target: 'es2022',
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
})
