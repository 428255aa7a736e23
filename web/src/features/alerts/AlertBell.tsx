import { Link } from '../../app/router'
import { bellCount, bellLabel } from './model'
import { useAlertSync, useAlerts } from './queries'
import './alerts.css'

/** AlertBell is the header's bell: the open alerts count, live; it leads to the Alerts page. Admins only. */
export function AlertBell() {
  useAlertSync()
  const open = useAlerts('open')
  const n = open.data ? open.data.length : null
  return (
    <Link to="/alerts" className="bell" aria-label={bellLabel(n)} data-testid="alert-bell" data-count={n ?? ''}>
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
        <path
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          fill="currentColor"
        />
      </svg>
      {n !== null && n > 0 && (
        <span className="bell-count" data-testid="alert-count">
          {bellCount(n)}
        </span>
      )}
    </Link>
  )
}
