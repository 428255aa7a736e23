// Web Push: the caller's notification kinds, subscriptions and messages.

/** A kind of Web Push notification (docs/api.md, "Web Push notifications"). */
export type PushKind = 'large_payment' | 'failed_deliveries' | 'alerts' | 'round_changes'

/** GET|PATCH /api/me/notifications: the kinds the caller's role receives, on or off. */
export interface NotificationPrefs {
  kinds: Partial<Record<PushKind, boolean>>
  devices: number
}

export interface NotificationPrefsUpdate {
  kinds: Partial<Record<PushKind, boolean>>
}

/** POST /api/push/subscriptions: PushSubscription.toJSON(). */
export interface PushSubscriptionInput {
  endpoint: string
  keys: PushSubscriptionKeys
  expirationTime?: number | null
}

export interface PushSubscriptionKeys {
  p256dh: string
  auth: string
}

/** A stored subscription of the caller. */
export interface PushSubscription {
  id: number
  endpoint: string
  createdAt: string
}

/** The decrypted payload of a push message, shown by the service worker. */
export interface PushNotification {
  kind: PushKind
  title: string
  body: string
  url: string
  tag: string
  seq: number
}
