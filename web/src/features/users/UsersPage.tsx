import { useMemo, useState, type FormEvent } from 'react'
import { Freshness } from '../../components/Freshness'
import { Badge, Empty, ErrorState, Loading } from '../../components/States'
import { ApiError, newIdempotencyKey } from '../../lib/api'
import { formatAgo, formatMoney, formatNumber } from '../../lib/format'
import { useNow } from '../../lib/realtime'
import { useServices, useSession } from '../../lib/services'
import type { Role, Shift, User, UserCreate, VendorMetrics } from '../../lib/types'
import { CreditLimitCard } from '../alerts/CreditLimitCard'
import { useAreas } from '../customers/drawerData'
import { BusinessCard } from './BusinessCard'
import { SettingsCard } from './SettingsCard'
import { useCreateUser, useUpdateUser, useUsers, useVendorMetrics } from './queries'

export function UsersPage() {
  const session = useSession()
  const [search, setSearch] = useState('')
  const [creating, setCreating] = useState(false)
  const users = useUsers({})
  const metrics = useVendorMetrics()
  const now = useNow(15_000)
  const byVendor = useMemo(() => {
    const m = new Map<number, VendorMetrics>()
    for (const v of metrics.data?.items ?? []) m.set(v.vendorId, v)
    return m
  }, [metrics.data])
  const list = useMemo(() => {
    const s = search.trim().toLowerCase()
    const items = users.data?.items ?? []
    return s ? items.filter((u) => u.name.toLowerCase().includes(s) || u.email.toLowerCase().includes(s)) : items
  }, [users.data, search])
  const vendors = (users.data?.items ?? []).filter((u) => u.role === 'vendor')

  if (session?.user.role !== 'admin') {
    return (
      <div className="page">
        <Empty title="Admins only">Ask an administrator to manage users and vendors.</Empty>
      </div>
    )
  }

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Users &amp; vendors</h1>
          <p className="muted">Who can sign in, and how each vendor is doing over the last 30 days.</p>
        </div>
        <div className="head-actions">
          <Freshness updatedAt={users.dataUpdatedAt} failed={users.isError} />
          <button type="button" className="btn btn-primary" onClick={() => setCreating((v) => !v)} aria-expanded={creating}>
            {creating ? 'Close' : 'New user'}
          </button>
        </div>
      </div>

      {creating && <CreateUserForm onDone={() => setCreating(false)} />}

      <BusinessCard />
      <SettingsCard />
      <CreditLimitCard />

      <section className="card" aria-labelledby="vendors-title">
        <div className="card-head">
          <h2 id="vendors-title">Vendor performance · 30 days</h2>
          <Freshness updatedAt={metrics.dataUpdatedAt} failed={metrics.isError} />
        </div>
        {metrics.isPending || users.isPending ? (
          <Loading rows={3} />
        ) : metrics.isError && !metrics.data ? (
          <ErrorState error={metrics.error} retry={() => void metrics.refetch()} />
        ) : vendors.length === 0 ? (
          <Empty title="No vendors yet">Create a user with the vendor role.</Empty>
        ) : (
          <div className="vendor-grid" data-testid="vendor-metrics">
            {vendors.map((v) => {
              const m = byVendor.get(v.id)
              return (
                <div key={v.id} className="vendor-card">
                  <div className="vendor-name">
                    {v.name} <Badge value={v.status} />
                  </div>
                  {m ? (
                    <dl className="mini-stats">
                      <div>
                        <dt>Revenue</dt>
                        <dd>{formatMoney(m.revenueCents30d)}</dd>
                      </div>
                      <div>
                        <dt>Delivered</dt>
                        <dd>
                          {formatNumber(m.delivered30d)} / {formatNumber(m.deliveries30d)}
                        </dd>
                      </div>
                      <div>
                        <dt>Customers</dt>
                        <dd>
                          {formatNumber(m.activeCustomers)} / {formatNumber(m.customers)}
                        </dd>
                      </div>
                      <div>
                        <dt>Outstanding</dt>
                        <dd>{formatMoney(m.outstandingCents)}</dd>
                      </div>
                    </dl>
                  ) : (
                    <p className="muted small">No figures yet.</p>
                  )}
                </div>
              )
            })}
          </div>
        )}
      </section>

      <section className="card card-flush" aria-labelledby="users-title">
        <div className="card-head pad">
          <h2 id="users-title">Users</h2>
          <label className="field field-inline">
            <span className="sr-only">Search users</span>
            <input type="search" placeholder="Search name or email" value={search} onChange={(e) => setSearch(e.target.value)} />
          </label>
        </div>
        {users.isPending ? (
          <div className="pad">
            <Loading rows={5} />
          </div>
        ) : users.isError && !users.data ? (
          <ErrorState error={users.error} retry={() => void users.refetch()} />
        ) : list.length === 0 ? (
          <Empty title="No users match" />
        ) : (
          <UserTable users={list} testId="users-table" selfId={session.user.id} now={now} />
        )}
      </section>
    </div>
  )
}

/** UserTable lists users, one UserRow each; selfId marks the signed-in user's own row. */
function UserTable({ users, testId, selfId, now }: { users: User[]; testId: string; selfId?: number; now: number }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="hide-sm">Role</th>
            <th scope="col" className="hide-sm">Status</th>
            <th scope="col" className="hide-sm">Last seen</th>
            <th scope="col" className="num">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <UserRow key={u.id} u={u} self={u.id === selfId} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  )
}

function UserRow({ u, self, now }: { u: User; self: boolean; now: number }) {
  const { toasts } = useServices()
  const update = useUpdateUser()
  const [confirming, setConfirming] = useState(false)
  const [editing, setEditing] = useState(false)
  const next = u.status === 'active' ? 'suspended' : 'active'
  async function toggle() {
    setConfirming(false)
    try {
      await update.mutateAsync({ id: u.id, status: next })
      toasts.push({ kind: 'success', title: next === 'suspended' ? `${u.name} suspended` : `${u.name} activated` })
    } catch (err) {
      toasts.push({ kind: 'error', title: 'Could not change the user', body: err instanceof ApiError ? err.message : 'Try again.' })
    }
  }
  return (
    <>
      <tr data-testid={`user-row-${u.id}`}>
        <td>
          <div className="cell-main">{u.name}</div>
          <div className="cell-sub">{u.email}</div>
          <div className="show-sm">
            <Badge value={u.status} />
          </div>
        </td>
        <td className="hide-sm">
          <Badge value={u.role} />
        </td>
        <td className="hide-sm">
          <Badge value={u.status} />
        </td>
        <td className="hide-sm">{u.lastSeenAt ? formatAgo(new Date(u.lastSeenAt).getTime(), now) : 'Never'}</td>
        <td className="num">
          {!confirming && (
            <button type="button" className="btn btn-ghost" onClick={() => setEditing((v) => !v)} aria-expanded={editing} aria-label={`Edit ${u.name}`}>
              Edit
            </button>
          )}
          {!self && !confirming && (
            <button
              type="button"
              className={`btn ${next === 'suspended' ? 'btn-danger' : 'btn-secondary'}`}
              disabled={update.isPending}
              // Suspending asks first; activating is harmless and immediate.
              onClick={() => (next === 'suspended' ? setConfirming(true) : void toggle())}
            >
              {next === 'suspended' ? 'Suspend…' : 'Activate'}
            </button>
          )}
          {!self && confirming && (
            <div role="alertdialog" aria-labelledby={`suspend-${u.id}`} className="confirm-box confirm-inline" data-testid={`suspend-confirm-${u.id}`}>
              <p id={`suspend-${u.id}`} className="confirm-title">
                Suspend {u.name}?
              </p>
              <p className="small">
                {suspendSubject(u.role)} is signed out at once on every device and cannot sign in until activated again.
                {u.role === 'vendor' ? ' Their customers and books stay as they are.' : ''}
              </p>
              <div className="confirm-actions">
                <button type="button" className="btn btn-danger" onClick={() => void toggle()} disabled={update.isPending} autoFocus>
                  Suspend and sign out
                </button>
                <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            </div>
          )}
        </td>
      </tr>
      {editing && (
        <tr className="edit-row">
          <td colSpan={5}>
            <EditUserForm u={u} self={self} onDone={() => setEditing(false)} />
          </td>
        </tr>
      )}
    </>
  )
}

/**
 * StaffSection is a vendor's own staff (GET /api/users answers a vendor with
 * its staff only): add one for its own areas and shifts, edit or suspend one.
 */
export function StaffSection() {
  const session = useSession()
  const users = useUsers({})
  const now = useNow(15_000)
  const [creating, setCreating] = useState(false)
  if (session?.user.role !== 'vendor') return null
  const staff = (users.data?.items ?? []).filter((u) => u.role === 'staff')
  return (
    <section className="card card-flush" aria-labelledby="staff-title" data-testid="staff-section">
      <div className="card-head pad">
        <h2 id="staff-title">Staff</h2>
        <button type="button" className="btn btn-primary" onClick={() => setCreating((v) => !v)} aria-expanded={creating}>
          {creating ? 'Close' : 'New staff member'}
        </button>
      </div>
      {creating && (
        <div className="pad">
          <CreateUserForm vendorId={session.user.id} embedded onDone={() => setCreating(false)} />
        </div>
      )}
      {users.isPending ? (
        <div className="pad">
          <Loading rows={3} />
        </div>
      ) : users.isError && !users.data ? (
        <ErrorState error={users.error} retry={() => void users.refetch()} />
      ) : staff.length === 0 ? (
        <Empty title="No staff yet">Add a login for someone who delivers your rounds.</Empty>
      ) : (
        <UserTable users={staff} testId="staff-table" now={now} />
      )}
    </section>
  )
}

/** suspendSubject names a user by role in the suspend confirmation. */
export function suspendSubject(role: Role): string {
  return role === 'vendor' ? 'This vendor' : role === 'staff' ? 'This staff member' : 'This admin'
}

/**
 * EditUserForm renames a user and/or sets a new password (PATCH
 * /api/users/{id}); a new password signs the user out everywhere.
 */
function EditUserForm({ u, self, onDone }: { u: User; self: boolean; onDone: () => void }) {
  const { toasts } = useServices()
  const update = useUpdateUser()
  const [name, setName] = useState(u.name)
  const [password, setPassword] = useState('')
  const [error, setError] = useState<{ message: string; field?: string } | null>(null)
  async function submit(e: FormEvent) {
    e.preventDefault()
    const patch: { name?: string; password?: string } = {}
    if (name.trim() !== u.name) patch.name = name.trim()
    if (password) patch.password = password
    if (!name.trim()) return setError({ message: 'The name cannot be empty.', field: 'name' })
    if (password && password.length < 8) return setError({ message: 'The new password needs at least 8 characters.', field: 'password' })
    if (!patch.name && !patch.password) return onDone()
    setError(null)
    try {
      const saved = await update.mutateAsync({ id: u.id, ...patch })
      toasts.push({
        kind: 'success',
        title: patch.name ? `Renamed to ${saved.name}` : `${saved.name} updated`,
        body: patch.password ? `New password set; ${self ? 'your other sessions are' : `${saved.name} is`} signed out.` : undefined,
      })
      onDone()
    } catch (err) {
      setError(err instanceof ApiError ? { message: err.message, field: err.field } : { message: 'Could not save the changes.' })
    }
  }
  return (
    <form className="edit-user" onSubmit={submit} aria-label={`Edit ${u.name}`} noValidate data-testid={`edit-user-${u.id}`}>
      <label className="field">
        <span>Name</span>
        <input value={name} onChange={(e) => setName(e.target.value)} aria-invalid={error?.field === 'name'} autoFocus />
      </label>
      <label className="field">
        <span>New password</span>
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          placeholder="Leave empty to keep"
          aria-invalid={error?.field === 'password'}
          aria-describedby={`pw-note-${u.id}`}
        />
      </label>
      <p id={`pw-note-${u.id}`} className="muted small">
        A new password signs {self ? 'your other sessions' : 'them'} out at once on every device.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}

const SHIFTS: Shift[] = ['morning', 'evening']

/**
 * CreateUserForm adds a user (POST /api/users). For staff it asks for the
 * vendor (unless fixed, as for a vendor adding its own staff), at least one
 * of that vendor's areas, and the shifts they work. It is a card of its own,
 * or, embedded in another card (a vendor's Staff section), only its fields.
 */
export function CreateUserForm({ onDone, vendorId, embedded = false }: { onDone: () => void; vendorId?: number; embedded?: boolean }) {
  const { toasts } = useServices()
  const session = useSession()
  // A vendor adds staff of its own: its vendor is fixed even when not given.
  const fixedVendor = vendorId ?? (session?.user.role === 'vendor' ? session.user.id : undefined)
  const create = useCreateUser()
  const [form, setForm] = useState({ name: '', email: '', role: (fixedVendor ? 'staff' : 'vendor') as Role, password: '' })
  const [vendor, setVendor] = useState(fixedVendor ?? 0)
  const [areaIds, setAreaIds] = useState<number[]>([])
  const [shifts, setShifts] = useState<Shift[]>(SHIFTS)
  const [error, setError] = useState<{ message: string; field?: string } | null>(null)
  const staff = form.role === 'staff'
  // Only a form that asks for the vendor lists them (so never for a vendor:
  // GET /api/users answers a vendor with its own staff).
  const asksVendor = !fixedVendor
  const vendorList = useUsers({ role: 'vendor' }, { enabled: asksVendor })
  const vendors = asksVendor ? (vendorList.data?.items ?? []).filter((u) => u.role === 'vendor') : []
  const areas = useAreas(staff && vendor ? vendor : undefined)
  // One key for this new user, kept across resubmissions until it is created.
  const [idempotencyKey] = useState(newIdempotencyKey)
  async function submit(e: FormEvent) {
    e.preventDefault()
    if (!form.name.trim() || !form.email.trim()) return setError({ message: 'Name and email are required.' })
    if (form.password.length < 8) return setError({ message: 'The password needs at least 8 characters.', field: 'password' })
    if (staff && !vendor) return setError({ message: 'Choose the vendor they work for.', field: 'vendorId' })
    if (staff && areaIds.length === 0) return setError({ message: 'Choose at least one area.', field: 'areaIds' })
    if (staff && shifts.length === 0) return setError({ message: 'Choose at least one shift.', field: 'shifts' })
    setError(null)
    const body: UserCreate = { ...form, name: form.name.trim(), email: form.email.trim() }
    if (staff) Object.assign(body, { vendorId: vendor, areaIds, shifts })
    try {
      const u = await create.mutateAsync({ ...body, idempotencyKey })
      toasts.push({ kind: 'success', title: `${u.name} can now sign in`, body: u.email })
      onDone()
    } catch (err) {
      setError(err instanceof ApiError ? { message: err.message, field: err.field } : { message: 'Could not create the user.' })
    }
  }
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value })
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v])
  const title = fixedVendor ? 'New staff member' : 'New user'
  const Heading = embedded ? 'h3' : 'h2'
  return (
    <form className={embedded ? 'create-user' : 'card create-user'} onSubmit={submit} aria-label={title} noValidate>
      <Heading>{title}</Heading>
      <div className="form-grid">
        <label className="field">
          <span>Name</span>
          <input value={form.name} onChange={set('name')} aria-invalid={error?.field === 'name'} autoFocus />
        </label>
        <label className="field">
          <span>Email</span>
          <input type="email" value={form.email} onChange={set('email')} aria-invalid={error?.field === 'email'} />
        </label>
        {!fixedVendor && (
          <label className="field">
            <span>Role</span>
            <select value={form.role} onChange={set('role')} aria-invalid={error?.field === 'role'}>
              <option value="vendor">Vendor</option>
              <option value="staff">Staff</option>
              <option value="admin">Admin</option>
            </select>
          </label>
        )}
        {staff && asksVendor && (
          <label className="field">
            <span>Vendor</span>
            <select
              value={String(vendor)}
              onChange={(e) => {
                setVendor(Number(e.target.value))
                setAreaIds([])
              }}
              aria-invalid={error?.field === 'vendorId'}
            >
              <option value="0">Choose…</option>
              {vendors.map((v) => (
                <option key={v.id} value={String(v.id)}>
                  {v.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span>Password</span>
          <input type="password" autoComplete="new-password" value={form.password} onChange={set('password')} aria-invalid={error?.field === 'password'} />
        </label>
      </div>
      {staff && (
        <div className="form-grid">
          <fieldset className="field" aria-invalid={error?.field === 'areaIds'}>
            <legend>Areas</legend>
            {!vendor ? (
              <p className="muted small">Choose the vendor first.</p>
            ) : areas.isPending ? (
              <p className="muted small">Loading areas…</p>
            ) : (areas.data?.items ?? []).length === 0 ? (
              <p className="muted small">This vendor has no areas yet.</p>
            ) : (
              (areas.data?.items ?? []).map((a) => (
                <label key={a.id} className="check">
                  <input type="checkbox" checked={areaIds.includes(a.id)} onChange={() => setAreaIds(toggle(areaIds, a.id))} /> {a.name}
                </label>
              ))
            )}
          </fieldset>
          <fieldset className="field" aria-invalid={error?.field === 'shifts'}>
            <legend>Shifts</legend>
            {SHIFTS.map((sh) => (
              <label key={sh} className="check">
                <input type="checkbox" checked={shifts.includes(sh)} onChange={() => setShifts(toggle(shifts, sh))} /> {sh === 'morning' ? 'Morning' : 'Evening'}
              </label>
            ))}
          </fieldset>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error.field === 'areaIds' ? 'Areas: ' : error.field === 'shifts' ? 'Shifts: ' : error.field === 'vendorId' ? 'Vendor: ' : ''}
          {error.message}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create user'}
        </button>
      </div>
    </form>
  )
}
