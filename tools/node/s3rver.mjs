// Starts s3rver (an S3 that checks SigV4 signatures, presigned-URL expiry and bucket CORS) for tests and the demo.
// usage: node s3rver.mjs --port N --directory DIR [--notify URL] [--bucket NAME [--cors FILE.xml]]...
// With --notify, every S3 event s3rver raises (object created/removed) is POSTed as JSON to URL.
// Prints "s3rver listening on http://127.0.0.1:N" once it accepts requests; stops on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const S3rver = require('@20minutes/s3rver');

const args = process.argv.slice(2);
let port = 0;
let directory;
let notify;
const buckets = [];
for (let i = 0; i < args.length; i++) {
  const value = args[i + 1];
  switch (args[i]) {
    case '--port': port = Number(value); i++; break;
    case '--directory': directory = value; i++; break;
    case '--notify': notify = value; i++; break;
    case '--bucket': buckets.push({ name: value, configs: [] }); i++; break;
    case '--cors': buckets.at(-1).configs.push(readFileSync(value)); i++; break;
    default: throw new Error(`unknown argument ${args[i]}`);
  }
}
if (!port || !directory) throw new Error('--port and --directory are required');

const server = new S3rver({
  address: '127.0.0.1',
  port,
  directory,
  silent: true,
  vhostBuckets: false,
  allowMismatchedSignatures: false,
  configureBuckets: buckets,
});
if (notify) {
  server.on('event', (event) => {
    fetch(notify, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) })
      .catch((err) => console.error(`s3rver: event not delivered to ${notify}: ${err.message}`));
  });
}
await server.run();
console.log(`s3rver listening on http://127.0.0.1:${port}`);
const stop = async () => { await server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
