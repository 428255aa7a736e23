import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { ApiError, newIdempotencyKey } from '../../lib/api'
import { useApi } from '../../lib/services'
import type { PushKind } from '../../lib/types'
import { currentSubscription, disablePush, enablePush, PushError, pushSupported } from './push'
import { profileQueries, useNotificationPrefs, useUpdateNotificationPrefs } from './queries'

export const PUSH_KIND_LABELS: Record<PushKind, { label: string; hint: string }> = {
  large_payment: { label: 'Large payments', hint: 'A payment above the large-payment alert amount (a possible typo).' },
  failed_deliveries: { label: 'Failed deliveries', hint: 'A vendor’s failed deliveries today pass the alert’s limit.' },
  alerts: { label: 'Critical alerts', hint: 'A critical system alert is raised (database or Redis down…).' },
  round_changes: { label: 'Changes to today’s round', hint: 'A new delivery, a pause or a cancelled stop on your round.' },
}

/** NotificationSettings: which kinds of push notification the user gets, and this device's subscription. */
export function NotificationSettings() {
  const prefs = useNotificationPrefs()
  const update = useUpdateNotificationPrefs()
  const [error, setError] = useState<string | null>(null)
  const kinds = Object.keys(prefs.data?.kinds ?? {}) as PushKind[]

  async function toggle(kind: PushKind, on: boolean) {
    setError(null)
    try {
      await update.mutateAsync({ kinds: { [kind]: on } })
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not save. Try again.')
    }
  }

  return (
    <section className="card" aria-labelledby="notifications-title">
      <div className="card-head">
        <h2 id="notifications-title">Notifications</h2>
      </div>
      {prefs.isPending && <p className="muted">Loading…</p>}
      {prefs.isError && (
        <p className="form-error" role="alert">
          Could not load your notification settings.
        </p>
      )}
      {prefs.data && kinds.length === 0 && <p className="muted">There are no push notifications for your role yet.</p>}
      {prefs.data && kinds.length > 0 && (
        <>
          <fieldset className="notify-kinds">
            <legend>Send me a notification for</legend>
            {kinds.map((kind) => (
              <label key={kind} className="check notify-kind">
                <input
                  type="checkbox"
                  checked={prefs.data.kinds[kind] ?? false}
                  disabled={update.isPending}
                  onChange={(e) => void toggle(kind, e.target.checked)}
                  aria-describedby={`kind-${kind}-hint`}
                />
                <span>
                  {PUSH_KIND_LABELS[kind]?.label ?? kind}
                  <span id={`kind-${kind}-hint`} className="muted small notify-hint">
                    {PUSH_KIND_LABELS[kind]?.hint}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <DevicePush devices={prefs.data.devices} />
        </>
      )}
    </section>
  )
}

/** DevicePush turns push on or off for this browser. */
function DevicePush({ devices }: { devices: number }) {
  const api = useApi()
  const qc = useQueryClient()
  const [state, setState] = useState<'unknown' | 'on' | 'off'>('unknown')
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null)
  // One key per attempt to enable, kept across its retries.
  const key = useRef(newIdempotencyKey())
  const supported = pushSupported()

  useEffect(() => {
    let live = true
    void currentSubscription()
      .then((s) => live && setState(s ? 'on' : 'off'))
      .catch(() => live && setState('off'))
    return () => {
      live = false
    }
  }, [])

  async function run(on: boolean) {
    setBusy(true)
    setMessage(null)
    try {
      if (on) {
        await enablePush(api, key.current)
        key.current = newIdempotencyKey()
        setState('on')
        setMessage({ error: false, text: 'Push is on for this device.' })
      } else {
        await disablePush(api)
        setState('off')
        setMessage({ error: false, text: 'Push is off for this device.' })
      }
      await qc.invalidateQueries({ queryKey: profileQueries.notifications(api).queryKey })
    } catch (err) {
      const text =
        err instanceof PushError || err instanceof ApiError
          ? err.message
          : err instanceof DOMException
            ? `The browser’s push service did not answer (${err.message}). Try again later.`
            : 'Could not change push on this device. Try again.'
      setMessage({ error: true, text })
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="device-push">
      <p className="muted small" data-testid="push-devices">
        {devices === 0 ? 'No device receives your notifications yet.' : devices === 1 ? '1 device receives your notifications.' : `${devices} devices receive your notifications.`}
      </p>
      {!supported ? (
        <p className="muted small">This browser cannot receive push notifications.</p>
      ) : state === 'on' ? (
        <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void run(false)}>
          {busy ? 'Turning off…' : 'Turn off push on this device'}
        </button>
      ) : (
        <button type="button" className="btn btn-primary" disabled={busy || state === 'unknown'} onClick={() => void run(true)}>
          {busy ? 'Enabling…' : 'Enable push on this device'}
        </button>
      )}
      {message && (
        <p className={message.error ? 'form-error' : 'form-ok'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </div>
  )
}
