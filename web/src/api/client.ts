// The console's only door to the server: every call goes to /api/v1 with the session
// cookie; unsafe methods carry the CSRF token, which lives in memory only (after a page
// reload it is fetched again from GET /auth/csrf). Errors become ApiError; a 401 anywhere
// tells the shell to return to the sign-in page.

export { describeError, describeProblem } from "./describeError";

export const API_BASE = "/api/v1";
const CSRF_HEADER = "X-CSRF-Token";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

type Scalar = string | number | boolean;
/** Query parameters. `undefined`/`null` are left out; arrays are joined with commas
 * (`stage__in=won,lost`): the API refuses a parameter given twice. */
export type Params = Record<string, Scalar | Scalar[] | null | undefined>;

export type ErrorDetails = Record<string, unknown>;

export class ApiError extends Error {
  readonly status: number;
  /** The broad class (invalid, conflict, forbidden…; `network` when nothing answered). */
  readonly code: string;
  /** The precise kind (`validation.too_long`, `conflict.stale_version`…; see ErrorType),
   * or the code itself when the answer had none (a proxy's error page). */
  readonly type: string;
  readonly details: ErrorDetails;
  readonly requestId: string | null;

  constructor(status: number, code: string, message: string, details: ErrorDetails = {},
              requestId: string | null = null, type: string | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.type = type ?? code;
    this.details = details;
    this.requestId = requestId;
  }
}

export interface Progress {
  /** Bytes moved so far. */
  loaded: number;
  /** Bytes expected, when the server or the file says so. */
  total: number | null;
}

export interface RequestOptions {
  params?: Params;
  body?: unknown;
  signal?: AbortSignal;
  /** False for calls made before signing in (login): no CSRF token, and a 401 is the
   * caller's to show rather than a reason to return to the sign-in page. */
  session?: boolean;
}

let csrfToken: string | null = null;
let csrfPending: Promise<string | null> | null = null;
let unauthenticated: ((error: ApiError) => void) | null = null;

/** Called by the sign-in flow with the token from POST /auth/login; null on sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The shell registers what a 401 does (back to the sign-in page). */
export function onUnauthenticated(handler: ((error: ApiError) => void) | null): void {
  unauthenticated = handler;
}

export function apiUrl(path: string, params?: Params): string {
  const clean = path.startsWith("/") ? path : `/${path}`;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null) continue;
    query.set(key, Array.isArray(value) ? value.map(String).join(",") : String(value));
  }
  const qs = query.toString();
  return `${API_BASE}${clean}${qs ? `?${qs}` : ""}`;
}

async function csrf(): Promise<string | null> {
  if (csrfToken !== null) return csrfToken;
  csrfPending ??= (async () => {
    try {
      const res = await fetch(apiUrl("/auth/csrf"), {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (!res.ok) throw await errorFrom(res);
      const body = (await res.json()) as { csrf_token: string | null };
      csrfToken = body.csrf_token;
      return csrfToken;
    } finally {
      csrfPending = null;
    }
  })();
  return csrfPending;
}

async function errorFrom(res: Response): Promise<ApiError> {
  const requestId = res.headers.get("x-request-id");
  let payload: unknown = null;
  try {
    payload = await res.json();
  } catch {
    // not JSON (a proxy's error page): described by status alone
  }
  const error = (payload as {
    error?: { code?: unknown; type?: unknown; message?: unknown; details?: unknown };
  })?.error;
  const code = typeof error?.code === "string" ? error.code : `http_${res.status}`;
  const type = typeof error?.type === "string" ? error.type : null;
  const message = typeof error?.message === "string" ? error.message : res.statusText;
  const details = error?.details && typeof error.details === "object"
    ? (error.details as ErrorDetails) : {};
  const retryAfter = res.headers.get("retry-after");
  if (retryAfter && details.retry_after === undefined) details.retry_after = Number(retryAfter);
  return new ApiError(res.status, code, message, details, requestId, type);
}

function networkError(cause: unknown): ApiError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new ApiError(0, "network", message);
}

function isAbort(cause: unknown): boolean {
  return cause instanceof DOMException && cause.name === "AbortError";
}

function failed(error: ApiError, session: boolean): ApiError {
  if (error.status === 401 && session) unauthenticated?.(error);
  return error;
}

/** One request; the answer when it is a success, otherwise an ApiError. Retries once with
 * a fresh CSRF token when the server refuses the one held (e.g. after signing in again in
 * another tab). */
async function send(method: string, path: string, options: RequestOptions,
                    bodyInit?: BodyInit, retried = false): Promise<Response> {
  const session = options.session ?? true;
  const headers: Record<string, string> = { Accept: "application/json" };
  let body = bodyInit;
  if (body === undefined && options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  if (session && UNSAFE.has(method)) {
    const token = await csrf().catch((e: unknown) => {
      throw e instanceof ApiError ? failed(e, session) : networkError(e);
    });
    if (token) headers[CSRF_HEADER] = token;
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, options.params), {
      method, headers, body, credentials: "same-origin", signal: options.signal,
    });
  } catch (cause) {
    if (isAbort(cause)) throw cause;
    throw networkError(cause);
  }
  if (res.ok) return res;
  const error = await errorFrom(res);
  if (error.code === "csrf_failed" && session && !retried) {
    csrfToken = null;
    return send(method, path, options, bodyInit, true);
  }
  throw failed(error, session);
}

async function json<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface TransferOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

function upload<T>(path: string, file: Blob, params?: Params,
                   options: TransferOptions & { filename?: string } = {}): Promise<T> {
  // XMLHttpRequest rather than fetch: it reports upload progress.
  const attempt = async (retried: boolean): Promise<T> => {
    const token = await csrf().catch((e: unknown) => {
      throw e instanceof ApiError ? failed(e, true) : networkError(e);
    });
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", apiUrl(path, params));
      xhr.setRequestHeader("Accept", "application/json");
      if (token) xhr.setRequestHeader(CSRF_HEADER, token);
      xhr.upload.onprogress = (e) =>
        options.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : null });
      xhr.onerror = () => reject(networkError(new Error("upload failed")));
      xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
      xhr.onload = () => {
        const res = new Response(xhr.status === 204 ? null : xhr.responseText, {
          status: xhr.status,
          headers: { "x-request-id": xhr.getResponseHeader("x-request-id") ?? "" },
        });
        if (res.ok) {
          json<T>(res).then(resolve, reject);
          return;
        }
        errorFrom(res).then((error) => {
          if (error.code === "csrf_failed" && !retried) {
            csrfToken = null;
            attempt(true).then(resolve, reject);
          } else {
            reject(failed(error, true));
          }
        }, reject);
      };
      options.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
      const form = new FormData();
      const name = options.filename ?? (file instanceof File ? file.name : "upload");
      form.append("file", file, name);
      xhr.send(form);
    });
  };
  return attempt(false);
}

/** The file name a Content-Disposition header gives, if any. */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // malformed escape: fall back to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain?.[1]?.trim() ?? null;
}

/** Fetches a file (an export) and hands it to the browser as a download, reporting the
 * bytes received as they arrive. Errors are ApiErrors, like any other call. */
async function download(path: string, params?: Params,
                        options: TransferOptions & { filename?: string } = {}
): Promise<{ filename: string; size: number }> {
  const res = await send("GET", path, { params, signal: options.signal });
  const total = Number(res.headers.get("content-length")) || null;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      options.onProgress?.({ loaded, total });
    }
  }
  const type = res.headers.get("content-type") ?? "application/octet-stream";
  const blob = new Blob(chunks as BlobPart[], { type });
  const filename = options.filename
    ?? dispositionFilename(res.headers.get("content-disposition"))
    ?? path.split("/").filter(Boolean).join("-");
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = filename;
  link.style.display = "none";
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return { filename, size: blob.size };
}

export const api = {
  /** Any method, for calls the helpers below do not cover; the answer's JSON body. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return json<T>(await send(method, path, options));
  },
  get<T>(path: string, params?: Params, options: Omit<RequestOptions, "params"> = {}) {
    return api.request<T>("GET", path, { ...options, params });
  },
  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, "body"> = {}) {
    return api.request<T>("POST", path, { ...options, body });
  },
  patch<T>(path: string, body: unknown, options: Omit<RequestOptions, "body"> = {}) {
    return api.request<T>("PATCH", path, { ...options, body });
  },
  async del(path: string, body?: unknown, options: Omit<RequestOptions, "body"> = {}) {
    await send("DELETE", path, { ...options, body });
  },
  /** A body sent as it is with its media type (a YAML document); the answer's JSON body. */
  async postText<T>(path: string, text: string, type: string,
                    options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return json<T>(await send("POST", path, options, new Blob([text], { type })));
  },
  upload,
  download,
};
