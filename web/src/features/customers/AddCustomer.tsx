import { useState } from 'react'
import { Drawer } from '../../components/Drawer'
import { CustomerForm } from './CustomerForm'

/**
 * AddCustomerButton is the Customers page's "Add customer": the form in a
 * drawer; once saved, the new customer's own drawer opens (for its
 * subscriptions).
 */
export function AddCustomerButton({ onAdded }: { onAdded: (id: number) => void }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" className="btn btn-primary tap" onClick={() => setOpen(true)}>
        Add customer
      </button>
      {open && (
        <Drawer title="Add customer" onClose={() => setOpen(false)}>
          <CustomerForm
            onSaved={(c) => {
              setOpen(false)
              onAdded(c.id)
            }}
            onCancel={() => setOpen(false)}
          />
        </Drawer>
      )}
    </>
  )
}
