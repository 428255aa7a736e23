/* Livedesk Web Push handlers for the service worker (issue 17).
 *
 * The app's service worker imports this file (importScripts('/sw-push.js'))
 * or, until the app has one, the browser runs it alone. It shows each push
 * message (the decrypted JSON PushNotification {kind, title, body, url, tag,
 * seq}) and, on a click, focuses an open Livedesk window on the message's
 * page, or opens one. Only same-origin pages are opened.
 *
 * When the browser replaces or drops the subscription
 * (pushsubscriptionchange: it expired, or the push service rotated it), the
 * worker subscribes again with the server's VAPID key (GET /api/push/key),
 * stores the new subscription (POST /api/push/subscriptions) and removes the
 * old one (DELETE), so notifications keep coming without the app being
 * opened. It needs the signed-in user's access token: it asks an open tab
 * for the session (BroadcastChannel livedesk-session, as a new tab does);
 * with no tab open it refreshes the session itself under the same Web Lock
 * as the tabs (refresh tokens are single-use: never two refreshes at once)
 * and hands the new session to the tabs. Nobody signed in: nothing to do
 * (the app subscribes again when notifications are turned on).
 */
/* eslint-disable no-restricted-globals */
;(function () {
  if (self.__livedeskPush) return // imported twice
  self.__livedeskPush = true

  function sameOrigin(url) {
    try {
      var u = new URL(url || '/', self.location.origin)
      return u.origin === self.location.origin ? u.href : self.location.origin + '/'
    } catch (e) {
      return self.location.origin + '/'
    }
  }

  self.addEventListener('push', function (event) {
    var n = {}
    try {
      n = event.data ? event.data.json() : {}
    } catch (e) {
      n = { title: 'Livedesk', body: event.data ? event.data.text() : '' }
    }
    var options = {
      body: n.body || '',
      tag: n.tag || undefined,
      renotify: !!n.tag,
      data: { url: sameOrigin(n.url), kind: n.kind, seq: n.seq },
    }
    event.waitUntil(self.registration.showNotification(n.title || 'Livedesk', options))
  })

  self.addEventListener('notificationclick', function (event) {
    event.notification.close()
    var url = sameOrigin(event.notification.data && event.notification.data.url)
    event.waitUntil(
      self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (wins) {
        for (var i = 0; i < wins.length; i++) {
          var w = wins[i]
          if (new URL(w.url).origin === self.location.origin && 'focus' in w) {
            return w.focus().then(function (f) {
              return f && 'navigate' in f ? f.navigate(url).catch(function () {}) : f
            })
          }
        }
        return self.clients.openWindow(url)
      }),
    )
  })

  var SESSION_CHANNEL = 'livedesk-session'
  var REFRESH_LOCK = 'livedesk-refresh'
  // How long the open tabs have to answer with their session.
  var ASK_TABS_MS = 1000

  function api(path) {
    return new URL(path, self.location.origin).href
  }

  function newKey() {
    return '"' + self.crypto.randomUUID() + '"' // a Structured Field String
  }

  function keyBytes(b64) {
    var padded = (b64 + '='.repeat((4 - (b64.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/')
    var raw = self.atob(padded)
    var out = new Uint8Array(raw.length)
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
    return out
  }

  function sameKey(sub, publicKey) {
    var key = sub.options && sub.options.applicationServerKey
    if (!key) return true
    var a = new Uint8Array(key)
    var b = keyBytes(publicKey)
    return a.length === b.length && a.every(function (v, i) { return v === b[i] })
  }

  // askTabs resolves with the session of an open tab, or null when none answers.
  function askTabs(from) {
    return new Promise(function (resolve) {
      if (typeof self.BroadcastChannel !== 'function') return resolve(null)
      var ch = new self.BroadcastChannel(SESSION_CHANNEL)
      var timer = setTimeout(function () { done(null) }, ASK_TABS_MS)
      function done(session) {
        clearTimeout(timer)
        ch.close()
        resolve(session)
      }
      ch.onmessage = function (e) {
        var m = e.data
        if (m && m.t === 'session' && m.from !== from && m.session && m.session.token && !m.session.offline) done(m.session)
      }
      ch.postMessage({ t: 'want', from: from })
    })
  }

  // refresh gets a new session with the refresh cookie, one refresh at a
  // time across the tabs and this worker, and hands it to the tabs (the
  // cookie they would refresh with is now spent). null: nobody signed in.
  function refresh(from) {
    var run = function () {
      return self
        .fetch(api('/api/auth/refresh'), {
          method: 'POST',
          headers: { Accept: 'application/json', 'X-Livedesk-Session': 'cookie' },
          credentials: 'same-origin',
        })
        .then(function (res) {
          if (res.status === 401 || res.status === 403) return null
          if (!res.ok) throw new Error('POST /api/auth/refresh: ' + res.status)
          return res.json().then(function (r) {
            var session = r.sessionId ? { token: r.token, user: r.user, sessionId: r.sessionId } : { token: r.token, user: r.user }
            if (typeof self.BroadcastChannel === 'function') {
              var ch = new self.BroadcastChannel(SESSION_CHANNEL)
              ch.postMessage({ t: 'session', from: from, session: session })
              ch.close()
            }
            return session
          })
        })
    }
    var locks = self.navigator && self.navigator.locks
    return locks ? locks.request(REFRESH_LOCK, { mode: 'exclusive' }, run) : run()
  }

  function send(method, path, token, body) {
    var headers = { Accept: 'application/json', Authorization: 'Bearer ' + token }
    if (method !== 'GET') headers['Idempotency-Key'] = newKey()
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    return self.fetch(api(path), { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) }).then(function (res) {
      if (!res.ok) throw new Error(method + ' ' + path.split('?')[0] + ': ' + res.status)
      return res.json()
    })
  }

  /**
   * resubscribe handles one pushsubscriptionchange: it resolves with what
   * it did ('resubscribed', or 'signed-out' when no session could be had).
   */
  async function resubscribe(event) {
    var from = 'sw-' + Math.random().toString(36).slice(2)
    var session = (await askTabs(from)) || (await refresh(from))
    if (!session) return 'signed-out'
    var publicKey = (await send('GET', '/api/push/key', session.token)).publicKey
    var pm = self.registration.pushManager
    var sub = event.newSubscription || (await pm.getSubscription())
    if (sub && !sameKey(sub, publicKey)) {
      await sub.unsubscribe() // made with another server key: useless now
      sub = null
    }
    if (!sub) sub = await pm.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) })
    var json = sub.toJSON()
    await send('POST', '/api/push/subscriptions', session.token, {
      endpoint: sub.endpoint,
      keys: { p256dh: (json.keys && json.keys.p256dh) || '', auth: (json.keys && json.keys.auth) || '' },
      expirationTime: json.expirationTime == null ? null : json.expirationTime,
    })
    var old = event.oldSubscription
    if (old && old.endpoint && old.endpoint !== sub.endpoint) {
      await send('DELETE', '/api/push/subscriptions?endpoint=' + encodeURIComponent(old.endpoint), session.token)
    }
    return 'resubscribed'
  }
  self.__livedeskResubscribe = resubscribe

  self.addEventListener('pushsubscriptionchange', function (event) {
    event.waitUntil(resubscribe(event))
  })
})()
