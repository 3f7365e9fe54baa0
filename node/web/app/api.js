// The DDC API calls of the data viewer (docs/node.md). Same origin only: the page is served
// by the node it shows, and its Content-Security-Policy allows no other.

export class ApiError extends Error {
  constructor (status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

async function failure (response) {
  let code = 'http_error'
  let message = `${response.status} ${response.statusText}`
  try {
    const body = await response.json()
    if (body.error) ({ code, message } = body.error)
  } catch {}
  if (response.status === 401 || response.status === 403) {
    message += ' (this node controls access: the viewer shows public buckets only)'
  }
  return new ApiError(response.status, code, message)
}

export async function getJson (path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } })
  if (!response.ok) throw await failure(response)
  return response.json()
}

export async function getBytes (path) {
  const response = await fetch(path, { headers: { Accept: 'application/vnd.ipld.dag-cbor' } })
  if (!response.ok) throw await failure(response)
  return new Uint8Array(await response.arrayBuffer())
}

const segment = encodeURIComponent

export const api = {
  node: () => getJson('/v1/node'),
  buckets: () => getJson('/v1/buckets'),
  users: (bucket) => getJson(`/v1/buckets/${segment(bucket)}/users`),
  timeline: (bucket, user, from, limit) =>
    getJson(`/v1/buckets/${segment(bucket)}/users/${segment(user)}/timeline?from=${from}&limit=${limit}`),
  eventBytes: (cid) => getBytes(`/v1/events/${segment(cid)}`),
  proof: (cid) => getJson(`/v1/events/${segment(cid)}/proof`),
  checkpoints: () => getJson('/v1/checkpoints')
}
