import { useState, type FormEvent } from 'react'
import { ApiError } from '../../lib/api'
import { useServices } from '../../lib/services'

export const DEMO_EMAIL = 'admin@livedesk.local'
export const DEMO_PASSWORD = 'livedesk-demo'

function loginMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'UNAUTHORIZED' || err.status === 401) return 'That email and password do not match an active account.'
    if (err.code === 'RATE_LIMITED' || err.status === 429) return 'Too many attempts. Wait a minute, then try again.'
    if (err.code === 'NETWORK') return 'Cannot reach the server. Check that Livedesk is running.'
    return err.message
  }
  return 'Sign-in failed. Please try again.'
}

export function LoginPage({ notice }: { notice?: string | null }) {
  const { login } = useServices()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (!email.trim() || !password) {
      setError('Enter your email and password.')
      return
    }
    setBusy(true)
    setError(null)
    try {
      await login(email.trim(), password)
    } catch (err) {
      setError(loginMessage(err))
      setBusy(false)
    }
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} noValidate aria-describedby={error ? 'login-error' : undefined}>
        <div className="brand brand-lg">
          <span className="brand-mark" aria-hidden="true" />
          Livedesk
        </div>
        <h1>Sign in</h1>
        <p className="muted">Real-time operations for your delivery business.</p>
        {notice && !error && <p className="notice">{notice}</p>}
        {error && (
          <p className="form-error" id="login-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
            required
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <div className="demo-hint">
          <span>Demo:</span> <code>{DEMO_EMAIL}</code> / <code>{DEMO_PASSWORD}</code>
          <button
            type="button"
            className="btn btn-link"
            onClick={() => {
              setEmail(DEMO_EMAIL)
              setPassword(DEMO_PASSWORD)
            }}
          >
            Fill in
          </button>
        </div>
      </form>
    </main>
  )
}
