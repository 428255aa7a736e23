import { useRef, useState } from 'react'
import { useQueryClient } from '@tanstack/react-query'
import { Drawer } from '../../components/Drawer'
import { ApiError, newIdempotencyKey } from '../../lib/api'
import { formatMoney } from '../../lib/format'
import { keys } from '../../lib/queryKeys'
import { useApi, useServices } from '../../lib/services'
import type { CustomerImport, User } from '../../lib/types'
import { canConfirm, importSummary, rowProblem } from './listParams'

const COLUMNS = 'name, phone, address, area, vendor, opening balance, product, quantity, frequency, shift'

/**
 * ImportCustomers is the import flow: pick a CSV, see the server's preview
 * with every row's errors (nothing is written), then confirm. The confirm
 * keeps one Idempotency-Key for the file until it succeeds, so a retry
 * never imports twice (and re-importing the same file creates nothing).
 */
export function ImportCustomers({ isAdmin, vendors, onClose }: { isAdmin: boolean; vendors: User[]; onClose: () => void }) {
  const api = useApi()
  const qc = useQueryClient()
  const { toasts } = useServices()
  const [file, setFile] = useState<{ name: string; text: string } | null>(null)
  const [vendorId, setVendorId] = useState('')
  const [preview, setPreview] = useState<CustomerImport | null>(null)
  const [busy, setBusy] = useState<'' | 'preview' | 'apply'>('')
  const [error, setError] = useState('')
  const key = useRef(newIdempotencyKey())

  const run = async (text: string, vendor: string, confirm: boolean) => {
    setBusy(confirm ? 'apply' : 'preview')
    setError('')
    try {
      const q = new URLSearchParams()
      if (confirm) q.set('confirm', 'true')
      if (vendor) q.set('vendorId', vendor)
      const qs = q.toString()
      const res = await api.post<CustomerImport>(`/api/imports/customers${qs ? `?${qs}` : ''}`, text, {
        contentType: 'text/csv',
        idempotencyKey: confirm ? key.current : undefined,
      })
      setPreview(res)
      if (confirm) {
        key.current = newIdempotencyKey()
        void qc.invalidateQueries({ queryKey: keys.customers.all() })
        toasts.push({ kind: 'success', title: 'Import done', body: importSummary(res) })
      }
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The import failed: try again.')
    } finally {
      setBusy('')
    }
  }

  const pick = async (f: File | undefined) => {
    setPreview(null)
    setError('')
    if (!f) return setFile(null)
    if (f.size > 1 << 20) {
      setFile(null)
      return setError(`${f.name} is larger than 1 MiB: split it into several files.`)
    }
    const text = await f.text()
    setFile({ name: f.name, text })
    key.current = newIdempotencyKey()
    await run(text, vendorId, false)
  }

  return (
    <Drawer title="Import customers" onClose={onClose}>
      <div className="stack" data-testid="import-customers">
        <p className="muted small">
          A CSV file with a header row: {COLUMNS}. Rows are matched by phone within the vendor, so importing the same file again
          creates nothing twice. Nothing is saved until you confirm.
        </p>
        {isAdmin && (
          <label className="field">
            Vendor of rows without one
            <select
              value={vendorId}
              onChange={(e) => {
                setVendorId(e.target.value)
                if (file) void run(file.text, e.target.value, false)
              }}
              data-testid="import-vendor"
            >
              <option value="">None (each row names its vendor)</option>
              {vendors.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          CSV file
          <input type="file" accept=".csv,text/csv" onChange={(e) => void pick(e.target.files?.[0])} data-testid="import-file" />
        </label>
        {busy === 'preview' && <p className="notice">Checking {file?.name}…</p>}
        {error && (
          <p className="form-error" role="alert" data-testid="import-error">
            {error}
          </p>
        )}
        {preview && (
          <>
            <p className={preview.applied ? 'form-ok' : preview.errors > 0 ? 'form-error' : 'notice'} role="status" data-testid="import-summary">
              {importSummary(preview)}
              {!preview.applied && preview.errors > 0 && ' — fix these rows in the file and choose it again.'}
            </p>
            <div className="table-wrap">
              <table className="table table-compact" data-testid="import-rows">
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Name</th>
                    <th scope="col">Phone</th>
                    <th scope="col" className="num">Opening</th>
                    <th scope="col">Result</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((r) => (
                    <tr key={r.row} data-testid={`import-row-${r.row}`} className={r.action === 'error' ? 'row-error' : undefined}>
                      <td>{r.row}</td>
                      <td>
                        <div className="cell-main">{r.name}</div>
                        {r.vendorName && isAdmin && <div className="cell-sub">{r.vendorName}</div>}
                      </td>
                      <td>{r.phone}</td>
                      <td className="num">{r.openingBalanceCents ? formatMoney(r.openingBalanceCents) : ''}</td>
                      <td>
                        {r.action === 'error' ? (
                          <span className="bad-text">{rowProblem(r)}</span>
                        ) : r.action === 'exists' ? (
                          'Already there'
                        ) : preview.applied ? (
                          'Created'
                        ) : (
                          `New${r.product ? ` · ${r.product} × ${r.quantity} ${r.frequency}${r.days?.length ? ` ${r.days.join(' ')}` : ''}, ${r.shift}` : ''}${r.newArea ? ` · new area ${r.area}` : ''}`
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        <div className="row-actions">
          {preview?.applied ? (
            <button type="button" className="btn btn-primary" onClick={onClose}>
              Done
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              disabled={!canConfirm(preview) || busy !== '' || !file}
              onClick={() => file && void run(file.text, vendorId, true)}
              data-testid="import-confirm"
            >
              {busy === 'apply' ? 'Importing…' : preview && canConfirm(preview) ? `Import ${preview.create} customer${preview.create === 1 ? '' : 's'}` : 'Import'}
            </button>
          )}
        </div>
      </div>
    </Drawer>
  )
}
