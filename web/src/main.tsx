import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { createQueryClient, createServices, makeRealtimeClient } from './lib/bootstrap'
import { registerServiceWorker } from './lib/offline/dataCache'
import { ServicesProvider } from './lib/services'
import './styles.css'

const queryClient = createQueryClient()
const services = createServices(queryClient)
const makeClient = () => makeRealtimeClient(services, queryClient)

registerServiceWorker()

const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ServicesProvider services={services}>
        <QueryClientProvider client={queryClient}>
          <App makeClient={makeClient} />
        </QueryClientProvider>
      </ServicesProvider>
    </StrictMode>,
  )
}
