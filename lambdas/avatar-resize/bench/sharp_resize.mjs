// The reference resizer, as the original app used it: sharp's rotate + resize(cover) + jpeg.
// usage: node sharp_resize.mjs [--repeat N] [--size N] [--quality Q] INPUT OUTPUT
// With --stats, prints {"cpu_ms":[...],"peak_rss_kb":N}: process CPU time (user + system, all threads) of each
// run, and the process's peak RSS (VmHWM).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';

const require = createRequire(process.env.SHARP_MODULE_DIR ?? new URL('../../../tools/node/', import.meta.url).pathname);
const sharp = require('sharp');
sharp.concurrency(1); // single-threaded, like one Lambda invocation of ours
sharp.cache(false); // no libvips operation cache between repeats

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i === -1) return fallback;
  const value = Number(args[i + 1]);
  args.splice(i, 2);
  return value;
};
const stats = args.includes('--stats');
if (stats) args.splice(args.indexOf('--stats'), 1);
const repeat = option('--repeat', 1);
const size = option('--size', 512);
const quality = option('--quality', 80);
const [input, output] = args;
const bytes = readFileSync(input);

const cpuMs = [];
let out;
for (let i = 0; i < repeat; i++) {
  const start = process.cpuUsage();
  out = await sharp(bytes).rotate().resize(size, size, { fit: 'cover' }).jpeg({ quality }).toBuffer();
  const used = process.cpuUsage(start);
  cpuMs.push((used.user + used.system) / 1000);
}
writeFileSync(output, out);
if (stats) {
  const hwm = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+)/m);
  console.log(JSON.stringify({ cpu_ms: cpuMs, peak_rss_kb: hwm ? Number(hwm[1]) : null }));
}
