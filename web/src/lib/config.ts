// Display settings, in one place. Money is stored as integer minor units; the
// demo business is an Indian milk round, so rupees are the default.
export const CURRENCY = 'INR'
export const LOCALE = 'en-IN'
