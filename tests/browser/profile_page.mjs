// The profile page in headless Chromium, driven by playwright-core (run by local-cloud/tests/browser.rs).
//
// 1. From the allowed origin: sign in with the token, pick a non-image (refused before upload, "Wrong type"),
//    pick a JPEG, see progress and then the processed 512×512 avatar, shown from the versioned copy its manifest
//    names (and again after a reload); then a 1500×500 banner. Screenshot.
//    Then the profile form: a blank display name is shown as an error next to the field; a name and bio saved
//    are there after a reload.
// 2. From an origin the config does not allow: the same upload fails on CORS and the page says so.
//
// usage: node profile_page.mjs --page URL --foreign URL --api URL --token T --image FILE --not-image FILE --screenshot PNG
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tools/node/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const name of ['page', 'foreign', 'api', 'token', 'image', 'not-image', 'screenshot']) {
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
