import { useId, useState, type ReactNode } from 'react'
import { Link } from '../../app/router'
import { Badge } from '../../components/States'
import { OverLimitMark } from '../alerts/OverLimit'
import { formatBalance, formatMoney } from '../../lib/format'
import type { DeliveryStatus, Reason, RoundStop } from '../../lib/types'
import type { Outcome, StopTrouble } from './hooks'
import { isOpen, mapsUrl, REASON_TEXT_MAX, REASONS, reasonLabel, telUrl, validateReason } from './logic'

export interface StopProps {
  stop: RoundStop
  /** The stop's number in the walking order. */
  number: number
  unit: string
  /** What is on its way for this stop, if anything. */
  sending?: Outcome
  trouble?: StopTrouble
  /** Whether the viewer may open the customer's page (not staff). */
  linkCustomer: boolean
  /** The customer owes more than its credit limit (admins: a balance_over_limit alert). */
  overLimit?: boolean
  onRecord: (o: Outcome) => void
  onRetry: () => void
  onDismiss: () => void
  /** More actions on the stop (collecting a payment). */
  children?: ReactNode
}

/**
 * Stop is one customer of the round: who, where, what, and the outcome
 * buttons. One tap records "delivered"; "Failed" and "Skip" ask why first
 * (one more tap; "Other" needs a few words).
 */
export function Stop({ stop, number, unit, sending, trouble, linkCustomer, overLimit, onRecord, onRetry, onDismiss, children }: StopProps) {
  const d = stop.delivery
  const [picking, setPicking] = useState<'failed' | 'skipped' | null>(null)
  const name = d.customerName || `Customer #${d.customerId}`
  const open = isOpen(d.status) && !sending
  const shown: DeliveryStatus = sending?.status ?? d.status
  const why = reasonLabel(sending ?? d)
  return (
    <li className={`stop stop-${shown}${sending ? ' is-sending' : ''}`} data-testid="stop" data-delivery-id={d.id} data-status={d.status}>
      <div className="stop-head">
        <span className="stop-num" aria-hidden="true">
          {number}
        </span>
        <h3 className="stop-name">
          {linkCustomer ? <Link to={`/customers/${d.customerId}`}>{name}</Link> : name}
          {overLimit && <OverLimitMark />}
        </h3>
        <Badge value={shown} label={sending ? (sending.queued ? 'Waiting to send' : 'Saving…') : undefined} />
      </div>
      <p className="stop-what">
        <strong>
          {d.items || 'Delivery'} × {d.quantity}
          {unit ? ` ${unit}` : ''}
        </strong>{' '}
        <span className="muted">· {formatMoney(d.amountCents)}</span>
        {why && <span className="stop-reason"> · {why}</span>}
      </p>
      {stop.customerNote && <p className="stop-note">{stop.customerNote}</p>}
      <div className="stop-contact">
        {stop.address && (
          <a className="stop-link" href={mapsUrl(stop.address)} target="_blank" rel="noreferrer" aria-label={`Map: ${stop.address}`}>
            <PinIcon /> {stop.address}
          </a>
        )}
        {stop.phone && (
          <a className="stop-link" href={telUrl(stop.phone)} aria-label={`Call ${name}: ${stop.phone}`}>
            <PhoneIcon /> {stop.phone}
          </a>
        )}
        <span className={`stop-balance ${stop.balanceCents > 0 ? 'owed' : stop.balanceCents < 0 ? 'credit' : ''}`} data-testid="stop-balance">
          {stop.balanceCents > 0 ? `Owes ${formatMoney(stop.balanceCents)}` : stop.balanceCents < 0 ? formatBalance(stop.balanceCents) : 'Nothing owed'}
        </span>
      </div>
      {trouble && (
        <div className="stop-trouble" role="alert">
          <p>{trouble.message}</p>
          <div className="stop-actions">
            <button type="button" className="btn btn-primary" onClick={onRetry} disabled={!!sending}>
              Retry
            </button>
            <button type="button" className="btn btn-secondary" onClick={onDismiss}>
              Dismiss
            </button>
          </div>
        </div>
      )}
      {open && !trouble && picking === null && (
        <div className="stop-actions">
          <button type="button" className="btn btn-primary stop-deliver" aria-label={`Delivered: ${name}`} onClick={() => onRecord({ status: 'delivered' })}>
            ✓ Delivered
          </button>
          <button type="button" className="btn btn-secondary" aria-label={`Failed: ${name}`} onClick={() => setPicking('failed')}>
            Failed…
          </button>
          <button type="button" className="btn btn-secondary" aria-label={`Skip: ${name}`} onClick={() => setPicking('skipped')}>
            Skip…
          </button>
        </div>
      )}
      {open && picking !== null && (
        <ReasonPicker
          status={picking}
          name={name}
          onPick={(reason, reasonText) => {
            setPicking(null)
            onRecord({ status: picking, reason, reasonText })
          }}
          onCancel={() => setPicking(null)}
        />
      )}
      {children}
    </li>
  )
}

/** ReasonPicker asks why a stop failed or was skipped: a tap on a reason sends it. */
function ReasonPicker({ status, name, onPick, onCancel }: { status: 'failed' | 'skipped'; name: string; onPick: (r: Reason, text?: string) => void; onCancel: () => void }) {
  const [other, setOther] = useState(false)
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const id = useId()
  const submitOther = () => {
    const bad = validateReason(status, 'other', text)
    if (bad) {
      setError(bad.message)
      return
    }
    onPick('other', text.trim())
  }
  return (
    <div className="stop-reasons" role="group" aria-label={`${status === 'failed' ? 'Why it failed' : 'Why it was skipped'}: ${name}`}>
      <p className="stop-ask">{status === 'failed' ? 'Why did it fail?' : 'Why skip it?'}</p>
      {!other ? (
        <div className="stop-actions">
          {REASONS.map((r) => (
            <button key={r.value} type="button" className="btn btn-secondary" onClick={() => (r.value === 'other' ? setOther(true) : onPick(r.value))}>
              {r.label}
            </button>
          ))}
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Back
          </button>
        </div>
      ) : (
        <form
          className="stop-other"
          onSubmit={(e) => {
            e.preventDefault()
            submitOther()
          }}
        >
          <label className="field" htmlFor={`${id}-text`}>
            What happened?
          </label>
          <input
            id={`${id}-text`}
            value={text}
            maxLength={REASON_TEXT_MAX}
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-err` : undefined}
            onChange={(e) => {
              setText(e.target.value)
              setError(null)
            }}
          />
          {error && (
            <p id={`${id}-err`} className="field-error">
              {error}
            </p>
          )}
          <div className="stop-actions">
            <button type="submit" className="btn btn-primary">
              Save
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setOther(false)}>
              Back
            </button>
          </div>
        </form>
      )}
    </div>
  )
}

function PinIcon() {
  return (
    <svg className="stop-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7Zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5Z" />
    </svg>
  )
}

function PhoneIcon() {
  return (
    <svg className="stop-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1Z"
      />
    </svg>
  )
}
