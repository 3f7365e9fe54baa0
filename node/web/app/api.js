// The DDC API calls of the data viewer (docs/node.md). Same origin only: the page is served
// by the node it shows, and its Content-Security-Policy allows no other. With credentials
// (auth.js) every request is signed; without, the viewer reads what anyone may read.
import { credentials, signedHeaders } from './auth.js'

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
  const error = new ApiError(response.status, code, message)
  if (response.status === 401 || response.status === 403) {
    error.hint = credentials()
      ? 'The credentials in use do not allow this: check the token under Credentials, or paste another.'
      : 'This node controls access: paste an access token and its key under Credentials to read a private bucket.'
  }
  return error
}

async function get (path, accept) {
  // The target as the browser sends it (path and query), which is what the signature covers.
  const url = new URL(path, location.origin)
  const auth = signedHeaders('GET', url.pathname + url.search)
  const signed = Object.keys(auth).length > 0
  // A signed answer may be private: keep it out of the HTTP cache.
  const response = await fetch(url.pathname + url.search, {
    headers: { Accept: accept, ...auth },
    cache: signed ? 'no-store' : 'default'
  })
  if (!response.ok) throw await failure(response)
  return response
}

export async function getJson (path) {
  return (await get(path, 'application/json')).json()
}

export async function getBytes (path) {
  return new Uint8Array(await (await get(path, 'application/vnd.ipld.dag-cbor')).arrayBuffer())
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
  checkpoints: () => getJson('/v1/checkpoints'),
  chain: () => getJson('/v1/chain'),
  anchor: (size) => getJson(`/v1/checkpoints/${segment(String(size))}/anchor`)
}
