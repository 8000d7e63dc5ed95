// The profile page: sign in with a development token, show the avatar, upload a new one.
//
// Profile: GET /api/profile fills the form; POST /api/profile/update saves it, and each problem the API lists
// (422) is shown next to its field.
//
// Upload flow, per image kind (the same as the production app): POST the kind's route (/avatars/key_upload,
// /banners/key_upload) with the file's type and size → a presigned PUT bound to both → PUT the file straight to
// S3 → poll the kind's manifest on the CDN (the profile answer's images.<kind>.manifest_url, short-lived) until it
// names a new version, then show that version's immutable copies (src and srcset). Images made before manifests
// existed are shown from the stable URL (<base>/<sub>.<ext>, ETag exposed by the CDN's CORS headers).

const PROCESSING_TIMEOUT_MS = 30_000;
const MAGIC = [
  { type: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
  { type: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47] },
  { type: "image/webp", bytes: [0x52, 0x49, 0x46, 0x46], at8: [0x57, 0x45, 0x42, 0x50] },
];

const $ = (id) => document.getElementById(id);
let config;
let token;
let sub;
// GET /api/profile's `images` (per kind: url, srcset, manifest_url), once the profile has loaded.
let profileImages = {};

// The image kinds the page shows and uploads (from config.json: the avatar, the banner, ...). The avatar keeps
// its element ids (#avatar, #file, #progress, #status); another kind's are #<name>, #<name>-file, ...
function kinds() {
  return config.images?.length
    ? config.images
    : [{ name: "avatar", route: "/avatars/key_upload", baseUrl: config.avatarBaseUrl, extension: config.avatarExtension }];
}

function el(kind, part) {
  if (kind.name === "avatar") return $({ img: "avatar", file: "file", progress: "progress", status: "status" }[part]);
  return $(part === "img" ? kind.name : `${kind.name}-${part}`);
}

function setStatus(kind, text, cls = "") {
  const status = el(kind, "status");
  status.textContent = text;
  status.className = cls;
}

function claims(jwt) {
  try {
    const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload));
  } catch {
    return null;
  }
}

function imageUrl(kind) {
  return `${kind.baseUrl}/${sub}.${kind.extension}`;
}

// The newest version's manifest ({kind, version, images: [{key, width, height, content_type}], placeholder}), or null.
async function currentManifest(kind) {
  const url = profileImages[kind.name]?.manifest_url ?? `${kind.baseUrl}/${sub}.json`;
  try {
    const response = await fetch(url, { cache: "no-store" });
    if (!response.ok) return null;
    const manifest = await response.json();
    return manifest?.version && manifest.images?.length ? manifest : null;
  } catch {
    return null;
  }
}

// A manifest key is relative to the CDN's root; the kind's base URL is that root plus the output prefix.
function copyUrl(kind, key) {
  const prefix = key.slice(0, key.indexOf(`${sub}/`));
  const base = `${kind.baseUrl}/`;
  return `${base.endsWith(prefix) ? base.slice(0, base.length - prefix.length) : base}${key}`;
}

function showVersion(kind, manifest) {
  const img = el(kind, "img");
  const [main] = manifest.images;
  // The manifest's tiny preview (a data: URI under 1 KB) fills the box until the image itself has loaded.
  if (manifest.placeholder) {
    img.style.backgroundImage = `url("${manifest.placeholder}")`;
    img.style.backgroundSize = "cover";
  }
  img.sizes = `${img.width || main.width}px`;
  img.srcset = manifest.images.map((i) => `${copyUrl(kind, i.key)} ${i.width}w`).join(", ");
  img.src = copyUrl(kind, main.key);
}

async function currentEtag(kind) {
  try {
    const response = await fetch(imageUrl(kind), { method: "HEAD", cache: "no-store" });
    return response.ok ? response.headers.get("etag") : null;
  } catch {
    return null;
  }
}

function showImage(kind, version) {
  el(kind, "img").src = `${imageUrl(kind)}?v=${encodeURIComponent(version ?? Date.now())}`;
}

async function sniff(file) {
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const match = (bytes, offset = 0) => bytes.every((b, i) => head[offset + i] === b);
  const found = MAGIC.find((m) => match(m.bytes) && (!m.at8 || match(m.at8, 8)));
  return found?.type ?? null;
}

const TYPE_NAMES = { "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP" };

function typeNames() {
  const names = config.contentTypes.map((t) => TYPE_NAMES[t] ?? t);
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0];
}

function megabytes(n) {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function put(upload, file, progress) {
  // XMLHttpRequest, not fetch: it reports upload progress.
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method ?? "PUT", upload.url);
    for (const [name, value] of Object.entries(upload.headers ?? {})) {
      if (name.toLowerCase() !== "content-length") xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) progress.value = Math.round((100 * e.loaded) / e.total);
    };
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`storage answered ${xhr.status}`)));
    xhr.onerror = () => reject(new Error("network error while uploading (or the storage refused this origin)"));
    xhr.send(file);
  });
}

async function requestUpload(kind, file, type) {
  let response;
  try {
    // The route decides the kind: the API never takes it from the request body.
    response = await fetch(`${config.apiUrl}${kind.route}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ content_type: type, content_length: file.size }),
    });
  } catch {
    throw new Error("network error: the API could not be reached (or refused this origin)");
  }
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) throw new Error("your session has expired: sign in again");
  if (!response.ok) throw new Error(body.message ?? `the API answered ${response.status}`);
  return body;
}

async function waitForNew(kind, previous) {
  const deadline = Date.now() + PROCESSING_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const manifest = await currentManifest(kind);
    if (manifest && manifest.version !== previous) return manifest;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the image was uploaded but no new ${kind.name} appeared: it may not be a valid image`);
}

async function onFile(kind, event) {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  const progress = el(kind, "progress");
  progress.hidden = true;
  const type = await sniff(file);
  if (!type || !config.contentTypes.includes(type)) {
    setStatus(kind, `Wrong type: choose a ${typeNames()} image.`, "error");
    return;
  }
  if (file.size > config.maxUploadBytes) {
    setStatus(kind, `Too large: ${megabytes(file.size)}; the limit is ${megabytes(config.maxUploadBytes)}.`, "error");
    return;
  }
  try {
    const previous = (await currentManifest(kind))?.version;
    setStatus(kind, "Preparing the upload…");
    const upload = await requestUpload(kind, file, type);
    progress.value = 0;
    progress.hidden = false;
    setStatus(kind, "Uploading…");
    await put(upload, file, progress);
    setStatus(kind, "Processing…");
    showVersion(kind, await waitForNew(kind, previous));
    setStatus(kind, `Your new ${kind.name} is live.`, "ok");
  } catch (err) {
    setStatus(kind, `Upload failed: ${err.message}`, "error");
  } finally {
    progress.hidden = true;
  }
}

const LIMITS = { display_name: 64, bio: 280 };

function countChars(field) {
  const length = [...$(field).value].length;
  const counter = $(`${field}-count`);
  counter.textContent = `${length}/${LIMITS[field]}`;
  counter.classList.toggle("over", length > LIMITS[field]);
}

function showFieldErrors(problems) {
  for (const field of Object.keys(LIMITS)) {
    const mine = problems.filter((p) => p.field === field);
    $(`${field}-error`).textContent = mine.map((p) => p.message).join("; ");
    $(field).setAttribute("aria-invalid", mine.length > 0 ? "true" : "false");
  }
}

function setProfileStatus(text, kind = "") {
  $("profile-status").textContent = text;
  $("profile-status").className = kind;
}

async function api(method, path, body) {
  let response;
  try {
    response = await fetch(`${config.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new Error("network error: the API could not be reached (or refused this origin)");
  }
  const json = await response.json().catch(() => ({}));
  return { status: response.status, body: json };
}

async function loadProfile() {
  try {
    const { status, body } = await api("GET", "/api/profile");
    if (status === 200) {
      $("display_name").value = body.display_name ?? "";
      $("bio").value = body.bio ?? "";
      profileImages = body.images ?? {};
    } else {
      setProfileStatus(body.message ?? `the API answered ${status}`, "error");
    }
  } catch (err) {
    setProfileStatus(err.message, "error");
  }
  countChars("display_name");
  countChars("bio");
}

async function saveProfile(event) {
  event.preventDefault();
  showFieldErrors([]);
  setProfileStatus("Saving…");
  try {
    const { status, body } = await api("POST", "/api/profile/update", {
      display_name: $("display_name").value,
      bio: $("bio").value,
    });
    if (status === 200) {
      $("display_name").value = body.display_name;
      $("bio").value = body.bio ?? "";
      countChars("display_name");
      countChars("bio");
      setProfileStatus("Profile saved.", "ok");
    } else if (status === 422) {
      showFieldErrors(body.problems ?? []);
      setProfileStatus("Please fix the fields marked in red.", "error");
    } else {
      setProfileStatus(body.message ?? `the API answered ${status}`, "error");
    }
  } catch (err) {
    setProfileStatus(err.message, "error");
  }
}

function signIn(candidate) {
  const c = claims(candidate);
  if (!c?.sub) {
    setStatus(kinds()[0], "That is not a token.", "error");
    return false;
  }
  token = candidate;
  sub = c.sub;
  sessionStorage.setItem("token", token);
  $("signed-out").hidden = true;
  $("profile").hidden = false;
  $("sub").textContent = sub;
  $("limits").textContent = `${typeNames()}, up to ${megabytes(config.maxUploadBytes)}.`;
  // The profile answer names each kind's manifest; the images follow it.
  loadProfile().then(() => {
    for (const kind of kinds()) {
      if (el(kind, "img")) showCurrent(kind);
    }
  });
  return true;
}

async function showCurrent(kind) {
  const manifest = await currentManifest(kind);
  if (manifest) return showVersion(kind, manifest);
  const etag = await currentEtag(kind);
  if (etag) showImage(kind, etag);
}

async function main() {
  config = await (await fetch("config.json")).json();
  for (const kind of kinds()) el(kind, "file")?.addEventListener("change", (event) => onFile(kind, event));
  $("profile-form").addEventListener("submit", saveProfile);
  for (const field of Object.keys(LIMITS)) $(field).addEventListener("input", () => countChars(field));
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    signIn($("token-input").value.trim());
  });
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) history.replaceState(null, "", location.pathname);
  const saved = fromHash ?? sessionStorage.getItem("token");
  if (!(saved && signIn(saved))) $("signed-out").hidden = false;
}

main();
