import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { setMoneyCurrency } from './format'
import { keys } from './queryKeys'
import { useApi } from './services'
import type { Settings, SettingsUpdate } from './types'

/** DEFAULT_SETTINGS are the server's defaults, used until the settings load (or if they cannot). */
export const DEFAULT_SETTINGS: Settings = { confirmAboveCents: 1_000_000, businessName: 'Livedesk', currency: 'INR', defaultCreditLimitCents: 500_000 }

function useSettingsQuery() {
  const api = useApi()
  return useQuery({ queryKey: keys.settings(), queryFn: () => api.get<Settings>('/api/settings'), staleTime: 60_000 })
}

/** useSettings is the business settings (GET /api/settings), defaults until loaded. */
export function useSettings(): Settings {
  return useSettingsQuery().data ?? DEFAULT_SETTINGS
}

/**
 * useMoneyCurrency makes the one money formatter (lib/format) follow the
 * business's currency. Call it where the whole signed-in app renders: a
 * change (this admin's save, another admin's settings.updated) re-renders
 * every page below it, in the new currency. Until the settings load, the
 * last currency this browser saw is kept (no flash of rupees on reload).
 */
export function useMoneyCurrency(): void {
  const loaded = useSettingsQuery().data?.currency
  const code = loaded ?? rememberedCurrency()
  // Set during render, before the children render with it (idempotent).
  if (code) setMoneyCurrency(code)
  useEffect(() => {
    if (loaded) rememberCurrency(loaded)
  }, [loaded])
}

const CURRENCY_KEY = 'livedesk.currency'

function rememberedCurrency(): string | null {
  try {
    return localStorage.getItem(CURRENCY_KEY)
  } catch {
    return null
  }
}

function rememberCurrency(code: string): void {
  try {
    localStorage.setItem(CURRENCY_KEY, code)
  } catch {
    // Private mode or storage full: the next load starts from the default.
  }
}

export function useUpdateSettings() {
  const api = useApi()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (patch: SettingsUpdate) => api.patch<Settings>('/api/settings', patch),
    onSuccess: (s) => qc.setQueryData(keys.settings(), s),
  })
}

/** needsConfirmation says whether recording amountCents needs an explicit confirmation. */
export function needsConfirmation(amountCents: number, s: Settings): boolean {
  return amountCents > s.confirmAboveCents
}
