import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo } from 'react'
import { ConnectionIndicator } from '../components/ConnectionIndicator'
import { ErrorBoundary } from '../components/ErrorBoundary'
import { Empty } from '../components/States'
import { ToastHost } from '../components/Toasts'
import { AnalyticsPage } from '../features/analytics/AnalyticsPage'
import { LoginPage } from '../features/auth/LoginPage'
import { CustomersPage } from '../features/customers/CustomersPage'
import { DashboardPage, initials } from '../features/dashboard/DashboardPage'
import { UsersPage } from '../features/users/UsersPage'
import { SocketProvider } from '../lib/realtime'
import { useServices, useSession } from '../lib/services'
import type { RealtimeClient } from '../lib/tabs'
import { Notifications } from './Notifications'
import { Link, matchPath, navigate, useLocation } from './router'

export interface AppProps {
  /** Makes the real-time client of a login (tests pass a fake). */
  makeClient: (userId: number) => RealtimeClient
}

export function App({ makeClient }: AppProps) {
  const session = useSession()
  const { notice } = useServices()
  const userId = session?.user.id ?? null
  const qc = useQueryClient()
  const createClient = useMemo(() => (userId === null ? null : () => makeClient(userId)), [userId, makeClient])

  useEffect(() => {
    // A different login must never see the previous one's cached data.
    if (userId === null) qc.clear()
  }, [userId, qc])

  if (!session) return <LoginPage notice={notice()} />
  return (
    <SocketProvider createClient={createClient}>
      <Layout />
      <Notifications />
      <ToastHost />
    </SocketProvider>
  )
}

const NAV: Array<{ to: string; label: string; adminOnly?: boolean }> = [
  { to: '/', label: 'Dashboard' },
  { to: '/customers', label: 'Customers' },
  { to: '/analytics', label: 'Analytics' },
  { to: '/users', label: 'Users', adminOnly: true },
]

function Layout() {
  const { pathname } = useLocation()
  const session = useSession()
  const { logout } = useServices()
  const isAdmin = session?.user.role === 'admin'
  useEffect(() => {
    if (pathname === '/login') navigate('/', { replace: true })
  }, [pathname])
  const detail = matchPath('/customers/:id', pathname)
  let page
  if (pathname === '/' || pathname === '/login') page = <DashboardPage />
  else if (pathname === '/customers') page = <CustomersPage customerId={null} />
  else if (detail && /^\d+$/.test(detail.id ?? '')) page = <CustomersPage customerId={Number(detail.id)} />
  else if (pathname === '/analytics') page = <AnalyticsPage />
  else if (pathname === '/users') page = <UsersPage />
  else
    page = (
      <div className="page">
        <Empty title="Page not found">
          <Link to="/">Go to the dashboard</Link>
        </Empty>
      </div>
    )
  const title = pathname.startsWith('/customers') ? 'Customers' : pathname === '/analytics' ? 'Analytics' : pathname === '/users' ? 'Users & vendors' : 'Dashboard'
  useEffect(() => {
    document.title = `${title} · Livedesk`
  }, [title])
  const active = (to: string) => (to === '/' ? pathname === '/' : pathname.startsWith(to))
  return (
    <div className="shell">
      <a href="#main" className="skip">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Livedesk home">
          <span className="brand-mark" aria-hidden="true" />
          Livedesk
        </Link>
        <nav className="nav" aria-label="Main">
          {NAV.filter((n) => !n.adminOnly || isAdmin).map((n) => (
            <Link key={n.to} to={n.to} className={`nav-link ${active(n.to) ? 'active' : ''}`} aria-current={active(n.to) ? 'page' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-right">
          <ConnectionIndicator />
          <div className="me" title={session?.user.email}>
            <span className="avatar" aria-hidden="true">
              {initials(session?.user.name ?? '')}
            </span>
            <span className="me-text">
              <span className="me-name">{session?.user.name}</span>
              <span className="me-role">{session?.user.role}</span>
            </span>
          </div>
          <button type="button" className="btn btn-ghost" onClick={() => logout()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <ErrorBoundary resetKey={pathname}>{page}</ErrorBoundary>
      </main>
    </div>
  )
}
