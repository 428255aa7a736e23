import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo } from 'react'
import { ConnectionIndicator } from '../components/ConnectionIndicator'
import { ErrorBoundary } from '../components/ErrorBoundary'
import { Empty } from '../components/States'
import { ToastHost } from '../components/Toasts'
import { AlertBell } from '../features/alerts/AlertBell'
import { AlertsPage } from '../features/alerts/AlertsPage'
import { AnalyticsPage } from '../features/analytics/AnalyticsPage'
import { LoginPage } from '../features/auth/LoginPage'
import { CustomersPage } from '../features/customers/CustomersPage'
import { StatementPage } from '../features/customers/StatementPage'
import { DashboardPage, initials } from '../features/dashboard/DashboardPage'
import { OfflineBanner } from '../features/offline/OfflineBanner'
import { ReportsPage } from '../features/reports/ReportsPage'
import { SecurityPage } from '../features/security/SecurityPage'
import { TodayPage } from '../features/today/TodayPage'
import { ProfilePage } from '../features/profile/ProfilePage'
import { UsersPage } from '../features/users/UsersPage'
import { SocketProvider } from '../lib/realtime'
import { useServices, useSession, useSessionRestoring } from '../lib/services'
import { useMoneyCurrency } from '../lib/settings'
import type { RealtimeClient } from '../lib/tabs'
import { Notifications } from './Notifications'
import { PhoneNav } from './PhoneNav'
import { Link, matchPath, navigate, useLocation } from './router'

export interface AppProps {
  /** Makes the real-time client of a login (tests pass a fake). */
  makeClient: (userId: number) => RealtimeClient
}

export function App({ makeClient }: AppProps) {
  const session = useSession()
  const restoring = useSessionRestoring()
  const { notice } = useServices()
  const userId = session?.user.id ?? null
  // An offline session (opened from the data kept for offline use) has no
  // token: the socket starts once the real session is restored.
  const offline = session?.offline === true
  const qc = useQueryClient()
  const createClient = useMemo(() => (userId === null || offline ? null : () => makeClient(userId)), [userId, offline, makeClient])

  useEffect(() => {
    // A different login must never see the previous one's cached data.
    if (userId === null) qc.clear()
  }, [userId, qc])

  if (!session && restoring) {
    return (
      <main className="login" aria-busy="true">
        <p className="muted">Signing in…</p>
      </main>
    )
  }
  if (!session) return <LoginPage notice={notice()} />
  return (
    <SocketProvider createClient={createClient} vendorId={session.user.role === 'vendor' ? session.user.id : null}>
      <Layout />
      <Notifications />
      <ToastHost />
    </SocketProvider>
  )
}

// Today comes first: it is where the day's work is done. Staff have only it.
const NAV: Array<{ to: string; label: string; adminOnly?: boolean; staff?: boolean }> = [
  { to: '/today', label: 'Today', staff: true },
  { to: '/', label: 'Dashboard' },
  { to: '/customers', label: 'Customers' },
  { to: '/analytics', label: 'Analytics' },
  { to: '/reports', label: 'Reports' },
  { to: '/users', label: 'Users', adminOnly: true },
  { to: '/security', label: 'Security', adminOnly: true },
  { to: '/alerts', label: 'Alerts', adminOnly: true },
]

function Layout() {
  // Every amount below is written in the business's currency.
  useMoneyCurrency()
  const { pathname } = useLocation()
  const session = useSession()
  const { logout, queue } = useServices()
  // Signing out forgets what waits on this device: say so first.
  const signOut = () => {
    const id = session?.user.id
    const waiting = queue?.snapshot().filter((e) => e.userId === id && e.state !== 'refused').length ?? 0
    if (waiting > 0 && !window.confirm(`${waiting} ${waiting === 1 ? 'change is' : 'changes are'} still waiting to send and will be lost if you sign out. Sign out anyway?`)) return
    if (queue && id !== undefined) void queue.forget(id)
    logout()
  }
  const isAdmin = session?.user.role === 'admin'
  const isStaff = session?.user.role === 'staff'
  useEffect(() => {
    if (pathname === '/login' || (isStaff && pathname === '/')) navigate(isStaff ? '/today' : '/', { replace: true })
  }, [pathname, isStaff])
  const detail = matchPath('/customers/:id', pathname)
  const statement = matchPath('/customers/:id/statement', pathname)
  let page
  if (pathname === '/today' || (isStaff && (pathname === '/' || pathname === '/login'))) page = <TodayPage />
  else if (pathname === '/' || pathname === '/login') page = <DashboardPage />
  else if (pathname === '/customers') page = <CustomersPage customerId={null} />
  else if (detail && /^\d+$/.test(detail.id ?? '')) page = <CustomersPage customerId={Number(detail.id)} />
  else if (statement && /^\d+$/.test(statement.id ?? '')) page = <StatementPage customerId={Number(statement.id)} />
  else if (pathname === '/analytics') page = <AnalyticsPage />
  else if (pathname === '/users') page = <UsersPage />
  else if (pathname === '/security') page = <SecurityPage />
  else if (pathname === '/alerts') page = <AlertsPage />
  else if (pathname === '/reports') page = <ReportsPage />
  else if (pathname === '/profile') page = <ProfilePage />
  else
    page = (
      <div className="page">
        <Empty title="Page not found">
          <Link to="/">Go to the dashboard</Link>
        </Empty>
      </div>
    )
  const title = pathname === '/profile' ? 'Profile' : pathname === '/today' ? 'Today' : pathname.startsWith('/customers') ? 'Customers' : pathname === '/analytics' ? 'Analytics' : pathname === '/users' ? 'Users & vendors' : pathname === '/security' ? 'Security' : pathname === '/reports' ? 'Reports' : pathname === '/alerts' ? 'Alerts' : 'Dashboard'
  useEffect(() => {
    document.title = `${title} · Livedesk`
  }, [title])
  const active = (to: string) => (to === '/' ? pathname === '/' : pathname.startsWith(to))
  const navItems = NAV.filter((n) => (isStaff ? n.staff : !n.adminOnly || isAdmin))
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
        <nav className="nav nav-wide" aria-label="Main">
          {navItems.map((n) => (
            <Link key={n.to} to={n.to} className={`nav-link ${active(n.to) ? 'active' : ''}`} aria-current={active(n.to) ? 'page' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
        {session && <PhoneNav role={session.user.role} items={navItems} active={active} />}
        <div className="topbar-right">
          {isAdmin && <AlertBell />}
          <ConnectionIndicator />
          <Link to="/profile" className="me" title={`${session?.user.email ?? ''}: your profile and notifications`} aria-current={pathname === '/profile' ? 'page' : undefined}>
            <span className="avatar" aria-hidden="true">
              {initials(session?.user.name ?? '')}
            </span>
            <span className="me-text">
              <span className="me-name">{session?.user.name}</span>
              <span className="me-role">{session?.user.role}</span>
            </span>
            <span className="sr-only">Your profile and notifications</span>
          </Link>
          <button type="button" className="btn btn-ghost" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <OfflineBanner />
      <main id="main" className="main" tabIndex={-1}>
        <ErrorBoundary resetKey={pathname}>{page}</ErrorBoundary>
      </main>
    </div>
  )
}
