// The profile page in headless Chromium, driven by playwright-core (run by local-cloud/tests/browser.rs).
//
// 1. From the allowed origin: sign in with the token, pick a non-image (refused before upload, "Wrong type"),
//    pick a JPEG, see progress and then the processed 512×512 avatar, shown from the versioned copy its manifest
//    names (and again after a reload); then a 1500×500 banner. Screenshot.
//    Then the profile form: a blank display name is shown as an error next to the field; a name and bio saved
//    are there after a reload.
// 2. From an origin the config does not allow: the same upload fails on CORS and the page says so.
// 3. The reference frontend's own flow, for a second user (issue 17 item 6): POST the upload route with
//    {"extension":"jpg"} and the Cognito-shaped access token, PUT the file with only Content-Type, then
//    <img src> on the stable URL <cdn>/avatars/<sub>.jpg. Chromium's Accept gets the WebP there, a context
//    whose Accept names only JPEG gets the JPEG. A second context that showed the first upload keeps it from
//    its cache right after a second upload and shows the new one once the stable URL's max-age has passed.
//
// usage: node profile_page.mjs --page URL --foreign URL --api URL --token T --image FILE --not-image FILE
//        --screenshot PNG --cdn URL --sub2 UUID --token2 T --image-2 FILE --max-age SECONDS
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tools/node/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const name of ['page', 'foreign', 'api', 'token', 'image', 'not-image', 'screenshot', 'cdn', 'sub2', 'token2', 'image-2', 'max-age']) {
  if (!args[name]) throw new Error(`--${name} is required`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
});
const results = {};
let failure;
try {
  const page = await browser.newPage();
  // Every manifest the page reads: it must be the one the profile endpoint names (issue 17 item 6).
  const manifestRequests = [];
  page.on('request', (request) => {
    if (request.url().endsWith('.json') && !request.url().endsWith('/config.json')) manifestRequests.push(request.url());
  });
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

  await page.goto(`${args.page}/#token=${args.token}`);
  await page.waitForSelector('#profile:not([hidden])');

  // Issue 17 item 5: before any upload, each image is the neutral default the CDN answers for a missing key
  // (64×64 grey, status 200), not a broken image.
  for (const id of ['avatar', 'banner']) {
    await page.waitForFunction((id) => {
      const img = document.getElementById(id);
      return img.src.includes(`/${id}s/`) && img.complete && img.naturalWidth > 0;
    }, id, { timeout: 15_000 });
  }
  results.defaults = await page.evaluate(() => ['avatar', 'banner'].map((id) => {
    const img = document.getElementById(id);
    return { id, width: img.naturalWidth, height: img.naturalHeight, src: img.src };
  }));
  if (results.defaults.some((d) => d.width !== 64 || d.height !== 64)) {
    throw new Error(`a user without images does not see the default: ${JSON.stringify(results.defaults)}`);
  }

  await page.setInputFiles('#file', args['not-image']);
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Wrong type'));
  results.notImage = await page.textContent('#status');

  // Every status the page shows is recorded as it is set: a small upload passes through "Uploading…" faster than
  // a polling wait can be sure to see it.
  await page.evaluate(() => {
    const status = document.querySelector('#status');
    window.statusHistory = [];
    new MutationObserver(() => window.statusHistory.push(status.textContent))
      .observe(status, { childList: true, characterData: true, subtree: true });
  });
  await page.setInputFiles('#file', args.image);
  await page.waitForFunction(() => document.querySelector('#status').className === 'ok', null, { timeout: 30_000 });
  const history = await page.evaluate(() => window.statusHistory);
  const stage = (prefix) => history.findIndex((text) => text.startsWith(prefix));
  if (!(stage('Preparing') >= 0 && stage('Preparing') < stage('Uploading') && stage('Uploading') < stage('Processing'))) {
    throw new Error(`the page did not show Preparing, Uploading, Processing in order: ${JSON.stringify(history)}`);
  }
  results.sawProgress = true;
  await page.waitForFunction(() => document.querySelector('#avatar').complete && document.querySelector('#avatar').naturalWidth > 0);
  // The srcset lets the browser pick the copy that fits the 128 px element (naturalWidth is then the copy's width
  // over its density); the main copy (src), decoded by itself, is the 512×512 one.
  results.avatar = await page.evaluate(async () => {
    const img = document.querySelector('#avatar');
    const main = new Image();
    main.src = img.src;
    await main.decode();
    return { width: main.naturalWidth, height: main.naturalHeight, src: img.src, shown: img.currentSrc, shownWidth: img.naturalWidth, srcset: img.srcset };
  });
  if (results.avatar.width !== 512 || results.avatar.height !== 512) {
    throw new Error(`the avatar is ${results.avatar.width}×${results.avatar.height}, not 512×512`);
  }
  if (results.avatar.shownWidth < 128 || !/\/[0-9a-f]{16}\/\d+x\d+\.jpg$/.test(results.avatar.shown)) {
    throw new Error(`the avatar shown is ${results.avatar.shown} (${results.avatar.shownWidth} px wide)`);
  }
  // Shown from the manifest's versioned, immutable copy, not the stable URL.
  if (!/\/avatars\/[^/]+\/[0-9a-f]{16}\/512x512\.jpg$/.test(results.avatar.src)) {
    throw new Error(`the avatar is not shown from a versioned copy: ${results.avatar.src}`);
  }
  // Issue 17 item 3: the manifest's tiny preview fills the box while the image loads.
  results.avatarPlaceholder = await page.evaluate(() => document.querySelector('#avatar').style.backgroundImage);
  if (!results.avatarPlaceholder.startsWith('url("data:image/webp;base64,')) {
    throw new Error(`no placeholder behind the avatar: ${results.avatarPlaceholder}`);
  }
  results.status = await page.textContent('#status');
  const profile = await (await fetch(`${args.api}/api/profile`, { headers: { Authorization: `Bearer ${args.token}` } })).json();
  results.profileManifestUrl = profile.images?.avatar?.manifest_url ?? null;
  results.manifestRequests = [...new Set(manifestRequests)];
  if (!results.profileManifestUrl || !results.manifestRequests.includes(results.profileManifestUrl)) {
    throw new Error(`the page did not follow the profile endpoint's manifest URL: ${JSON.stringify(results)}`);
  }

  // The banner, the second image kind: its own button and route; the avatar stays as it is.
  await page.setInputFiles('#banner-file', args.image);
  await page.waitForFunction(() => document.querySelector('#banner-status').className === 'ok', null, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('#banner').complete && document.querySelector('#banner').naturalWidth > 0);
  // naturalWidth of an <img> with a srcset is the copy's width over its density for `sizes`: decode src itself.
  results.banner = await page.evaluate(async () => {
    const img = document.querySelector('#banner');
    const main = new Image();
    main.src = img.src;
    await main.decode();
    return { width: main.naturalWidth, height: main.naturalHeight, src: img.src };
  });
  if (results.banner.width !== 1500 || results.banner.height !== 500) {
    throw new Error(`the banner is ${results.banner.width}×${results.banner.height}, not 1500×500`);
  }
  if (!/\/banners\/[^/]+\/[0-9a-f]{16}\/1500x500\.jpg$/.test(results.banner.src)) {
    throw new Error(`the banner is not shown from a versioned copy: ${results.banner.src}`);
  }
  results.avatarAfterBanner = await page.evaluate(() => document.querySelector('#avatar').src);

  // The profile form: a blank name is refused next to its field; a real edit survives a reload.
  await page.waitForFunction(() => document.querySelector('#display_name').value !== '');
  results.loadedName = await page.inputValue('#display_name');
  await page.fill('#display_name', '   ');
  await page.click('#save');
  await page.waitForFunction(() => document.querySelector('#display_name-error').textContent !== '');
  results.blankNameError = await page.textContent('#display_name-error');
  const name = 'Ada Lovelace';
  const bio = "Analyst of Babbage's engine.\nFirst programmer; <b>not</b> HTML.";
  await page.fill('#display_name', name);
  await page.fill('#bio', bio);
  await page.click('#save');
  await page.waitForFunction(() => document.querySelector('#profile-status').className === 'ok');
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#display_name').value !== '');
  await page.waitForFunction(() => document.querySelector('#avatar').src !== '');
  results.afterReload = {
    displayName: await page.inputValue('#display_name'),
    bio: await page.inputValue('#bio'),
    avatar: await page.evaluate(() => document.querySelector('#avatar').src),
  };
  if (results.afterReload.avatar !== results.avatar.src) {
    throw new Error(`after a reload the avatar is ${results.afterReload.avatar}, not the manifest's ${results.avatar.src}`);
  }
  if (results.afterReload.displayName !== name || results.afterReload.bio !== bio) {
    throw new Error(`the profile did not survive a reload: ${JSON.stringify(results.afterReload)}`);
  }
  await page.screenshot({ path: args.screenshot, fullPage: true });

  const foreign = await browser.newPage();
  const foreignConsole = [];
  foreign.on('console', (m) => foreignConsole.push(m.text()));
  await foreign.goto(`${args.foreign}/#token=${args.token}`);
  await foreign.waitForSelector('#profile:not([hidden])');
  await foreign.setInputFiles('#file', args.image);
  await foreign.waitForFunction(() => document.querySelector('#status').className === 'error', null, { timeout: 15_000 });
  results.foreignStatus = await foreign.textContent('#status');
  results.foreignCorsMessage = foreignConsole.find((t) => t.includes(`${args.api}/avatars/key_upload`) && /CORS policy/.test(t)) ?? null;
  if (!results.foreignCorsMessage) throw new Error(`no CORS refusal of the API call in the console: ${JSON.stringify(foreignConsole)}`);
  await foreign.screenshot({ path: args.screenshot.replace(/\.png$/, '-foreign-origin.png'), fullPage: true });
  results.consoleErrors = consoleErrors;

  results.reference = await referenceFrontendFlow(browser);
} catch (err) {
  failure = err;
} finally {
  await browser.close();
}
console.log(JSON.stringify(results, null, 2));
if (failure) {
  console.error(`browser check failed: ${failure.message}`);
  process.exit(1);
}

// The stable URL's ETag as the CDN answers it now, outside any browser cache.
async function currentEtag(url) {
  const answer = await fetch(url, { headers: { accept: 'image/jpeg' } });
  await answer.arrayBuffer();
  return answer.headers.get('etag');
}

async function waitForEtagChange(url, previous) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const etag = await currentEtag(url);
    if (etag !== previous) return etag;
    if (Date.now() > deadline) throw new Error(`${url} still has ETag ${previous} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// <img src=url> in a new document on the CDN's origin (so its pixels can be read), as a fresh page load would
// show it: size, a digest of the pixels, and the Content-Type the browser got for it (from the network or its cache).
async function showStable(context, url) {
  const page = await context.newPage();
  const types = [];
  page.on('response', (response) => {
    if (response.url() === url) types.push(response.headers()['content-type']);
  });
  await page.goto(`${args.cdn}/defaults/missing.png`);
  const shown = await page.evaluate(async (src) => {
    const img = document.createElement('img');
    img.src = src;
    document.body.append(img);
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context2d = canvas.getContext('2d');
    context2d.drawImage(img, 0, 0);
    const data = context2d.getImageData(0, 0, canvas.width, canvas.height).data;
    let digest = 0;
    for (let i = 0; i < data.length; i += 7) digest = (digest * 31 + data[i]) >>> 0;
    return { width: img.naturalWidth, height: img.naturalHeight, digest };
  }, url);
  await page.close();
  return { ...shown, contentType: types[0] ?? null };
}

// What the unchanged reference frontend does, in the browser, from the allowed origin.
async function upload(page, file) {
  const bytes = readFileSync(file).toString('base64');
  return page.evaluate(async ({ api, token, bytes }) => {
    const keyUpload = await fetch(`${api}/avatars/key_upload`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ extension: 'jpg' }),
    });
    const presigned = await keyUpload.json();
    const body = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
    const put = await fetch(presigned.url, { method: 'PUT', headers: { 'Content-Type': 'image/jpeg' }, body });
    return { keyUploadStatus: keyUpload.status, putStatus: put.status };
  }, { api: args.api, token: args.token2, bytes });
}

async function referenceFrontendFlow(browser) {
  const stable = `${args.cdn}/avatars/${args.sub2}.jpg`;
  const out = {};
  const uploader = await browser.newContext();
  const app = await uploader.newPage();
  await app.goto(args.page);
  const before = await currentEtag(stable);
  out.first = await upload(app, args.image);
  if (out.first.keyUploadStatus !== 200 || out.first.putStatus !== 200) {
    throw new Error(`the reference frontend's upload failed: ${JSON.stringify(out.first)}`);
  }
  const firstEtag = await waitForEtagChange(stable, before);

  // Chromium's own Accept (image/avif,image/webp,…) gets the WebP at the JPEG's URL.
  out.chromium = await showStable(uploader, stable);
  if (out.chromium.contentType !== 'image/webp' || out.chromium.width !== 512) {
    throw new Error(`Chromium was not served the 512 px WebP: ${JSON.stringify(out.chromium)}`);
  }
  const jpegOnly = await browser.newContext({ extraHTTPHeaders: { Accept: 'image/jpeg' } });
  out.jpegOnly = await showStable(jpegOnly, stable);
  if (out.jpegOnly.contentType !== 'image/jpeg' || out.jpegOnly.width !== 512) {
    throw new Error(`a JPEG-only Accept was not served the 512 px JPEG: ${JSON.stringify(out.jpegOnly)}`);
  }
  await jpegOnly.close();

  // A second context shows the first upload; the user uploads again.
  const watcher = await browser.newContext();
  const firstSeenAt = Date.now();
  out.watcherFirst = await showStable(watcher, stable);
  out.second = await upload(app, args['image-2']);
  await waitForEtagChange(stable, firstEtag);
  out.secondProcessedAfterMs = Date.now() - firstSeenAt;
  const fresh = await browser.newContext();
  out.fresh = await showStable(fresh, stable);
  await fresh.close();
  if (out.fresh.digest === out.watcherFirst.digest) throw new Error('the second upload did not change the image');
  // Within the max-age the watcher's cache still answers (no invalidation, no revalidation)…
  out.watcherWithinMaxAge = await showStable(watcher, stable);
  out.watcherWithinMaxAgeAtMs = Date.now() - firstSeenAt;
  // …and once it has passed, the watcher sees the new image without any reload trick.
  const wait = firstSeenAt + (Number(args['max-age']) + 1) * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  out.watcherAfterMaxAge = await showStable(watcher, stable);
  out.watcherAfterMaxAgeAtMs = Date.now() - firstSeenAt;
  if (out.watcherAfterMaxAge.digest !== out.fresh.digest) {
    throw new Error(`after the max-age the second context still shows the old image: ${JSON.stringify(out)}`);
  }
  await watcher.close();
  await uploader.close();
  return out;
}
