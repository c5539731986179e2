// GET of the console's JSON endpoints, each bounded in time.

const TIMEOUT_MS = 10_000;

export class NotFound extends Error {}

/** POST ``path`` as the operator (Authorization: Bearer ``token``): {status, body}. */
export async function postAsOperator(path, token) {
  const response = await fetch(path, {
    method: "POST",
    headers: {Accept: "application/json", ...(token ? {Authorization: `Bearer ${token}`} : {})},
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return {status: response.status, body};
}

/** The JSON of ``path`` (with ``params`` as its query); NotFound for a 404. */
export async function getJSON(path, params = {}, signal = undefined) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") query.set(name, value);
  }
  const url = query.size ? `${path}?${query}` : path;
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const response = await fetch(url, {
    headers: {Accept: "application/json"},
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.status === 404) throw new NotFound(body?.error || "not found");
  if (!response.ok) throw new Error(body?.error || `${response.status} ${response.statusText}`);
  return body;
}
