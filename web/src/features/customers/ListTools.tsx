import { useState } from 'react'
import { ApiError } from '../../lib/api'
import type { CustomerFilters } from '../../lib/queryKeys'
import { useApi } from '../../lib/services'
import { exportQuery } from './listParams'

/**
 * ListTools are the customers list's "Export CSV" (every customer the
 * filters select, in their order, with balances) and "Import customers".
 */
export function ListTools({ filters, onImport }: { filters: CustomerFilters; onImport: () => void }) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const download = async () => {
    setBusy(true)
    setError('')
    try {
      const csv = await api.get<string>('/api/customers', exportQuery(filters), { accept: 'text/csv' })
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }))
      const a = document.createElement('a')
      a.href = url
      a.download = `customers-${new Date().toISOString().slice(0, 10)}.csv`
      document.body.appendChild(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The export failed: try again.')
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="row-actions">
      <button type="button" className="btn btn-secondary" onClick={() => void download()} disabled={busy} data-testid="customers-export">
        {busy ? 'Exporting…' : 'Export CSV'}
      </button>
      <button type="button" className="btn btn-secondary" onClick={onImport} data-testid="customers-import">
        Import customers
      </button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
