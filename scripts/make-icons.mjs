// Writes the PWA's PNG icons (a flame on a dark rounded square) without any image library:
// the shapes are rasterized here and encoded with node:zlib. Run: npm run icons
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

function crc32(buf) {
  let c,
    crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = a;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// A teardrop flame: a circle at the bottom merging into a point at the top.
function inFlame(x, y, cx, cy, r) {
  const dx = x - cx,
    dy = y - cy;
  if (dy >= 0) return dx * dx + dy * dy <= r * r;
  const t = -dy / (r * 2.2);
  return t <= 1 && Math.abs(dx) <= r * (1 - t) ** 1.3;
}

function icon(maskable) {
  return (x, y) => {
    const pad = maskable ? 0 : 0.04;
    const inBox = x > pad && x < 1 - pad && y > pad && y < 1 - pad;
    if (!inBox) return [0, 0, 0, 0];
    const s = maskable ? 0.8 : 1;
    const fx = 0.5 + (x - 0.5) / s,
      fy = 0.5 + (y - 0.5) / s;
    if (inFlame(fx, fy, 0.5, 0.66, 0.1)) return [251, 211, 141, 255];
    if (inFlame(fx, fy, 0.5, 0.6, 0.2)) return [232, 121, 63, 255];
    return [28, 25, 23, 255];
  };
}

mkdirSync('public/icons', { recursive: true });
writeFileSync('public/icons/icon-192.png', png(192, icon(false)));
writeFileSync('public/icons/icon-512.png', png(512, icon(false)));
writeFileSync('public/icons/icon-maskable-512.png', png(512, icon(true)));
console.log('icons written to public/icons');
