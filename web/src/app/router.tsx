import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react'

// A minimal history router: the app has five screens, which does not justify
// a routing library in the bundle.

const listeners = new Set<() => void>()

function subscribe(fn: () => void): () => void {
  listeners.add(fn)
  window.addEventListener('popstate', fn)
  return () => {
    listeners.delete(fn)
    window.removeEventListener('popstate', fn)
  }
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return
  if (opts.replace) window.history.replaceState(null, '', to)
  else window.history.pushState(null, '', to)
  for (const fn of [...listeners]) fn()
  if (!opts.replace) window.scrollTo({ top: 0 })
}

export interface Location {
  pathname: string
  search: URLSearchParams
}

let cached: { href: string; loc: Location } | null = null

function snapshot(): Location {
  const href = window.location.pathname + window.location.search
  if (!cached || cached.href !== href) {
    cached = { href, loc: { pathname: window.location.pathname, search: new URLSearchParams(window.location.search) } }
  }
  return cached.loc
}

export function useLocation(): Location {
  return useSyncExternalStore(subscribe, snapshot)
}

/** matchPath matches "/customers/:id" style patterns. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean)
  const s = pathname.split('/').filter(Boolean)
  if (p.length !== s.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as string
    const b = s[i] as string
    if (a.startsWith(':')) params[a.slice(1)] = decodeURIComponent(b)
    else if (a !== b) return null
  }
  return params
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e)
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    navigate(to)
  }
  return <a href={to} onClick={handle} {...rest} />
}
