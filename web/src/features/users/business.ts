import { formatMoneyIn } from '../../lib/format'
import type { Settings, SettingsUpdate } from '../../lib/types'

/** COMMON_CURRENCIES are offered as the currency input's suggestions (the server knows more). */
export const COMMON_CURRENCIES = ['INR', 'USD', 'EUR', 'GBP', 'AED', 'SAR', 'SGD', 'AUD', 'CAD', 'NZD', 'ZAR', 'KES', 'NGN', 'BDT', 'LKR', 'NPR', 'PKR', 'MYR', 'PHP', 'THB']

/** SAMPLE_CENTS is the amount a currency is previewed with (1,23,456.50 or 123,456.50). */
export const SAMPLE_CENTS = 123_456_50

/** BusinessChange is one change a save would make: how it is confirmed, and said once done. */
export interface BusinessChange {
  field: 'businessName' | 'currency'
  text: string
  done: string
}

/**
 * businessChanges compares what an admin typed with the settings: the
 * PATCH to send (changed fields only, the name trimmed, the code in upper
 * case) and what each change does, in words.
 */
export function businessChanges(current: Settings, typed: { businessName: string; currency: string }): { patch: SettingsUpdate; changes: BusinessChange[] } {
  const patch: SettingsUpdate = {}
  const changes: BusinessChange[] = []
  const name = typed.businessName.trim()
  if (name !== current.businessName) {
    patch.businessName = name
    changes.push({
      field: 'businessName',
      text: `The business name changes from “${current.businessName}” to “${name}” on new statements and reports.`,
      done: `Documents now come from “${name}”.`,
    })
  }
  const code = typed.currency.trim().toUpperCase()
  if (code !== current.currency) {
    patch.currency = code
    const before = formatMoneyIn(SAMPLE_CENTS, current.currency) ?? current.currency
    const after = formatMoneyIn(SAMPLE_CENTS, code) ?? code
    changes.push({
      field: 'currency',
      text: `Every amount, on every dashboard and document, is written in ${code} instead of ${current.currency}: ${before} reads ${after}. Amounts are not converted.`,
      done: `Amounts are now written in ${code}.`,
    })
  }
  return { patch, changes }
}
