// Browser side of Web Push: ask for permission, subscribe this device's
// service worker with the server's VAPID key, and give the subscription to
// the server. The service worker shows the messages (public/sw-push.js).
import type { ApiClient } from '../../lib/api'
import type { PushSubscription as StoredSubscription, PushSubscriptionInput } from '../../lib/types'

/** The script with the push and notificationclick handlers; the app's service worker imports it. */
export const PUSH_WORKER = '/sw-push.js'

export function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window
}

/** urlBase64ToBytes decodes the base64url VAPID key for applicationServerKey. */
export function urlBase64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const padded = (b64 + '='.repeat((4 - (b64.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/')
  const raw = atob(padded)
  const out = new Uint8Array(new ArrayBuffer(raw.length))
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
  return out
}

/**
 * registration returns the app's service worker registration; when the app
 * has none yet, it registers the push worker alone at the same scope (the
 * app's worker, registered later at that scope, takes the registration and
 * its subscription over, and imports the same handlers).
 */
async function registration(): Promise<ServiceWorkerRegistration> {
  const existing = await navigator.serviceWorker.getRegistration('/')
  if (existing) return existing
  await navigator.serviceWorker.register(PUSH_WORKER, { scope: '/' })
  return navigator.serviceWorker.ready
}

/** currentSubscription returns this device's subscription, if any. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null
  const reg = await navigator.serviceWorker.getRegistration('/')
  return reg ? reg.pushManager.getSubscription() : null
}

export class PushError extends Error {}

/** enablePush asks for permission, subscribes this device and stores it on the server. */
export async function enablePush(api: ApiClient, idempotencyKey: string): Promise<StoredSubscription> {
  if (!pushSupported()) throw new PushError('This browser cannot receive push notifications.')
  const permission = await Notification.requestPermission()
  if (permission !== 'granted') {
    throw new PushError(
      permission === 'denied'
        ? 'Notifications are blocked for this site. Allow them in the browser’s site settings, then try again.'
        : 'Notifications were not allowed.',
    )
  }
  const { publicKey } = await api.get<{ publicKey: string }>('/api/push/key')
  const reg = await registration()
  let sub = await reg.pushManager.getSubscription()
  if (sub && !sameKey(sub, publicKey)) {
    await sub.unsubscribe() // made with another server key: useless now
    sub = null
  }
  sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlBase64ToBytes(publicKey) })
  const json = sub.toJSON()
  const body: PushSubscriptionInput = {
    endpoint: sub.endpoint,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
    expirationTime: json.expirationTime ?? null,
  }
  return api.post<StoredSubscription>('/api/push/subscriptions', body, { idempotencyKey })
}

function sameKey(sub: PushSubscription, publicKey: string): boolean {
  const key = sub.options?.applicationServerKey
  if (!key) return true
  const a = new Uint8Array(key)
  const b = urlBase64ToBytes(publicKey)
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** disablePush removes this device's subscription, here and on the server. */
export async function disablePush(api: ApiClient): Promise<void> {
  const sub = await currentSubscription()
  if (!sub) return
  const endpoint = sub.endpoint
  await sub.unsubscribe()
  await api.del?.(`/api/push/subscriptions?endpoint=${encodeURIComponent(endpoint)}`)
}
