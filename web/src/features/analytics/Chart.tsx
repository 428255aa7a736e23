import { useLayoutEffect, useRef, useState } from 'react'

// Small hand-written SVG charts: grouped bars and a line. They are drawn at
// the container's real width (so text is never stretched) and carry <title>s
// for hover and screen readers.

export interface Series {
  name: string
  className: string
}

export interface ChartProps {
  labels: string[]
  series: Series[]
  /** values[seriesIndex][pointIndex]; null is no value (no bar, a gap in a line). */
  values: Array<Array<number | null>>
  format: (n: number) => string
  kind?: 'bar' | 'line'
  label: string
  /** Counts: ticks are whole numbers. */
  integer?: boolean
}

const H = 220
const PAD = { top: 12, right: 8, bottom: 26, left: 56 }

/** niceStep rounds a tick step up to 1, 2, 2.5 or 5 × 10^n so the axis reads well. */
export function niceStep(raw: number): number {
  if (raw <= 0) return 1
  const pow = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 2.5, 5, 10]) if (raw <= m * pow) return m * pow
  return 10 * pow
}

const TICKS = 4

/** lineSegments splits a line's point indexes into runs without nulls (a null is a gap). */
export function lineSegments(vals: ReadonlyArray<number | null>): number[][] {
  const out: number[][] = []
  let run: number[] = []
  vals.forEach((v, i) => {
    if (v === null) {
      if (run.length) out.push(run)
      run = []
    } else run.push(i)
  })
  if (run.length) out.push(run)
  return out
}

function useWidth(fallback: number) {
  const ref = useRef<HTMLElement>(null)
  const [width, setWidth] = useState(fallback)
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const measure = () => setWidth(Math.max(240, Math.round(el.getBoundingClientRect().width)))
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  return [ref, width] as const
}

export function Chart({ labels, series, values, format, kind = 'bar', label, integer = false }: ChartProps) {
  const [ref, W] = useWidth(640)
  const raw = niceStep(Math.max(0, ...values.flat().filter((v): v is number => v !== null)) / TICKS)
  const step0 = integer ? Math.max(1, Math.ceil(raw)) : raw
  const max = step0 * TICKS
  const innerW = W - PAD.left - PAD.right
  const innerH = H - PAD.top - PAD.bottom
  const n = Math.max(labels.length, 1)
  const step = innerW / n
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH
  const ticks = Array.from({ length: TICKS + 1 }, (_, i) => i * step0)
  const labelEvery = Math.ceil(n / Math.max(2, Math.floor(innerW / 70)))
  return (
    <figure className="chart" ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} className="axis" textAnchor="end">
              {format(t)}
            </text>
          </g>
        ))}
        {kind === 'bar'
          ? values.map((vals, si) => {
              const bw = (step * 0.7) / series.length
              return vals.map((v, i) =>
                v === null ? null : (
                <rect
                  key={`${si}-${i}`}
                  x={PAD.left + i * step + step * 0.15 + si * bw}
                  y={y(v)}
                  width={Math.max(bw - 1, 1)}
                  height={Math.max(PAD.top + innerH - y(v), 0)}
                  rx={2}
                  className={series[si]?.className}
                >
                  <title>{`${labels[i]} · ${series[si]?.name}: ${format(v)}`}</title>
                </rect>
                ),
              )
            })
          : values.map((vals, si) => (
              <g key={si} className={series[si]?.className}>
                {lineSegments(vals).map((seg) => (
                  <polyline
                    key={seg[0]}
                    fill="none"
                    strokeWidth={2}
                    points={seg.map((i) => `${PAD.left + i * step + step / 2},${y(vals[i] ?? 0)}`).join(' ')}
                  />
                ))}
                {vals.map((v, i) =>
                  v === null ? null : (
                    <circle key={i} cx={PAD.left + i * step + step / 2} cy={y(v)} r={3}>
                      <title>{`${labels[i]} · ${series[si]?.name}: ${format(v)}`}</title>
                    </circle>
                  ),
                )}
              </g>
            ))}
        {labels.map((l, i) =>
          i % labelEvery === 0 ? (
            <text key={l + i} x={PAD.left + i * step + step / 2} y={H - 8} className="axis" textAnchor="middle">
              {l}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.name}>
            <span className={`swatch ${s.className}`} aria-hidden="true" />
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  )
}
