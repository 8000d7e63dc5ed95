// Runs a CloudFront Function's viewer-request code for the local CDN (local-cloud/src/edge_function.rs), the
// way CloudFront calls it: the first stdin line is the code (a JSON string), then each line is a request
// {"uri", "headers": {name: value}} and the answer is one line {"uri"} (the request as the handler returned it).
import readline from 'node:readline';

const lines = readline.createInterface({ input: process.stdin });
let handler = null;
lines.on('line', (line) => {
  if (handler === null) {
    // The code declares `function handler(event)`, as CloudFront expects; nothing else is in scope.
    handler = new Function(`${JSON.parse(line)}\nreturn handler;`)();
    return;
  }
  const { uri, headers } = JSON.parse(line);
  const event = {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: '127.0.0.1' },
    request: {
      method: 'GET',
      uri,
      querystring: {},
      headers: Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name.toLowerCase(), { value }]),
      ),
      cookies: {},
    },
  };
  const answer = handler(event);
  process.stdout.write(`${JSON.stringify({ uri: answer.uri })}\n`);
});
