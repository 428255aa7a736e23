// The page's side of the service worker's data cache (web/pwa/sw.js): the
// round last seen is kept for the signed-in user only. Signing out, or
// another user signing in on this browser, deletes it.

const DATA_CACHE = 'livedesk-data'
const OWNER_KEY = 'livedesk.offline.owner'

/** clearOfflineData deletes the kept API answers. */
export async function clearOfflineData(): Promise<void> {
  try {
    localStorage.removeItem(OWNER_KEY)
  } catch {
    // Storage may be unavailable (private mode); the cache is what matters.
  }
  if (typeof caches !== 'undefined') await caches.delete(DATA_CACHE).catch(() => false)
}

/**
 * claimOfflineData marks the kept data as this user's; when it was another
 * user's, it is deleted first. Resolves once it is safe to fetch.
 */
export async function claimOfflineData(userId: number): Promise<void> {
  let owner: string | null = null
  try {
    owner = localStorage.getItem(OWNER_KEY)
  } catch {
    owner = null
  }
  if (owner !== null && owner !== String(userId)) await clearOfflineData()
  try {
    localStorage.setItem(OWNER_KEY, String(userId))
  } catch {
    // See above.
  }
}

/** offlineDataOwner is the id of the user the kept data belongs to, or null. */
export function offlineDataOwner(): string | null {
  try {
    return localStorage.getItem(OWNER_KEY)
  } catch {
    return null
  }
}

/** registerServiceWorker installs web/pwa/sw.js (production builds only: the dev server has none). */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // Without a worker the app works online as before.
    })
  })
}
