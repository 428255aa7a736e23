// The business settings.

/** The business settings (GET /api/settings; PATCH by admins). */
export interface Settings {
  /** Payments above this amount (minor units) need a confirmation; 0 confirms every payment. */
  confirmAboveCents: number
  /** The business's name on documents (report PDFs); 1 to 100 characters on one line. */
  businessName: string
  /**
   * ISO 4217 code of a currency with two decimals: how the dashboard (₹1,23,456.50,
   * $123,456.50) and documents (Rs. 1,23,456.50) write money.
   */
  currency: string
  /**
   * Read-only here: the credit limit of customers without their own (the
   * balance_over_limit rule's, changed with PATCH /api/alerts/rules).
   */
  defaultCreditLimitCents: number
}

export interface SettingsUpdate {
  confirmAboveCents?: number
  businessName?: string
  currency?: string
}
