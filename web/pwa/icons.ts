import { deflateSync } from 'node:zlib'

// The app's icon, drawn in code: a green disc with a white check mark, the
// header's live dot grown up. PNGs are encoded by hand (RGBA, one IDAT) so
// the build needs no image library; maskable icons keep the mark inside
// the safe zone (the inner 80 %) on a full green square.

const GREEN = [0x16, 0xa3, 0x4a]

/** inCheck reports whether (x, y), in units of the icon's size, lies on the check mark's stroke. */
function inCheck(x: number, y: number, scale: number): boolean {
  // Two segments: (0.30,0.52)→(0.44,0.66) and (0.44,0.66)→(0.72,0.36), around the centre.
  const c = (v: number) => 0.5 + (v - 0.5) * scale
  const segs: Array<[number, number, number, number]> = [
    [c(0.3), c(0.52), c(0.44), c(0.66)],
    [c(0.44), c(0.66), c(0.72), c(0.36)],
  ]
  const w = 0.055 * scale
  return segs.some(([x1, y1, x2, y2]) => {
    const dx = x2 - x1
    const dy = y2 - y1
    const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)) <= w
  })
}

function crc32(buf: Uint8Array): number {
  let c = ~0
  for (const b of buf) {
    c ^= b
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, data.length)
  out.set(Buffer.from(type, 'ascii'), 4)
  out.set(data, 8)
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)))
  return out
}

/** iconPng draws the icon at size × size pixels. */
export function iconPng(size: number, maskable: boolean): Uint8Array {
  const raw = new Uint8Array(size * (size * 4 + 1))
  const scale = maskable ? 0.8 : 1
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0 // filter: none
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size
      const v = (y + 0.5) / size
      const inDisc = maskable || Math.hypot(u - 0.5, v - 0.5) <= 0.48
      const o = y * (size * 4 + 1) + 1 + x * 4
      if (!inDisc) continue // transparent
      const white = inCheck(u, v, scale)
      raw[o] = white ? 255 : GREEN[0]!
      raw[o + 1] = white ? 255 : GREEN[1]!
      raw[o + 2] = white ? 255 : GREEN[2]!
      raw[o + 3] = 255
    }
  }
  const ihdr = new Uint8Array(13)
  const dv = new DataView(ihdr.buffer)
  dv.setUint32(0, size)
  dv.setUint32(4, size)
  ihdr.set([8, 6, 0, 0, 0], 8) // 8-bit RGBA
  const sig = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10])
  const parts = [sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]
  return Buffer.concat(parts)
}

/** iconSvg is the same icon as a scalable image. */
export function iconSvg(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><circle cx="50" cy="50" r="48" fill="#16a34a"/><path d="M30 52 L44 66 L72 36" fill="none" stroke="#fff" stroke-width="11" stroke-linecap="round" stroke-linejoin="round"/></svg>\n`
}
