// The one place that talks to the API: who is signed in, every request (with the CSRF header the gateway asks of the
// page), and problem documents turned into an error that names each bad field, for forms to show beside the fields.

// Who is signed in, as the gateway's session says (GET /session). The page never holds a token: the
// session lives in an HttpOnly cookie the gateway turns into a token for each call.
export const session = {
  user: null,
  async load() {
    const response = await fetch("/session", { headers: { "X-CSRF": "1" } });
    session.user = response.ok ? await response.json() : null;
    return session.user;
  },
};

/** A refused request: its status, its problem document's title and detail, and each field's messages (from a 400). */
export class ApiError extends Error {
  constructor(status, body, fallback) {
    const fields = body?.errors ?? {};
    const detail = Object.keys(fields).length
      ? Object.entries(fields).map(([k, v]) => `${k}: ${v.join(", ")}`).join("; ")
      : body?.detail || body?.title || fallback;
    super(detail);
    this.status = status;
    this.fields = fields;
    this.title = body?.title ?? fallback;
  }
}

export async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { "Content-Type": "application/json", "X-CSRF": "1", ...(options.headers || {}) },
  });
  if (response.status === 401) { session.user = null; location.hash = "#/sign-in"; throw new Error("signed out"); }
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, typeof body === "object" ? body : null, response.statusText);
  return body;
}

/** Sends a JSON body with POST (or the method given). */
export const send = (path, body, method = "POST") => api(path, { method, body: JSON.stringify(body ?? {}) });

/**
 * Uploads a file as the body of a POST, reporting the bytes sent (fetch cannot tell upload progress; XMLHttpRequest
 * can). Resolves with the JSON answer; rejects with an ApiError as api() does.
 */
export function upload(path, file, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Content-Type", contentType);
    xhr.setRequestHeader("X-CSRF", "1");
    xhr.upload.addEventListener("progress", (e) => onProgress?.(e.lengthComputable ? e.loaded / e.total : null, "uploading"));
    xhr.upload.addEventListener("load", () => onProgress?.(1, "processing"));
    xhr.addEventListener("load", () => {
      const json = xhr.getResponseHeader("content-type")?.includes("json");
      const body = json ? JSON.parse(xhr.responseText || "null") : xhr.responseText;
      if (xhr.status === 401) { session.user = null; location.hash = "#/sign-in"; reject(new Error("signed out")); return; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, json ? body : null, xhr.statusText));
    });
    xhr.addEventListener("error", () => reject(new Error("The upload did not reach the server.")));
    xhr.send(file);
  });
}

/** Fetches a file the API writes (an export) and saves it as name; a refusal rejects with an ApiError as api() does. */
export async function download(path, name) {
  const response = await fetch(path, { headers: { "X-CSRF": "1" } });
  if (!response.ok) {
    const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
    throw new ApiError(response.status, body, response.statusText);
  }
  const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(await response.blob()), download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
