// Helpers of the web tests: start the real ddc-node on a free loopback port with its own data
// directory, fill it with events made by the `ddc` CLI (scopes sealed by ddc-crypto-tool, so
// that the browser opens bytes the C++ code sealed), and launch headless Chromium through
// playwright-core.
//
// The binaries come from the environment ctest sets (tests/web/CMakeLists.txt): DDC_NODE,
// DDC_CLI, DDC_CRYPTO_TOOL, and CHROMIUM (default /usr/bin/chromium).
import { spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const webDir = path.resolve(here, '../../node/web')

export function requireEnv (name) {
  const value = process.env[name]
  if (!value || !fs.existsSync(value)) {
    throw new Error(`${name}=${value ?? ''} is not a file: run the test through ctest ` +
      '(tests/web/CMakeLists.txt sets it)')
  }
  return value
}

// playwright-core from node/web/node_modules, with the hint to install it when it is missing.
export async function loadPlaywright () {
  const entry = path.join(webDir, 'node_modules', 'playwright-core', 'index.mjs')
  if (!fs.existsSync(entry)) {
    throw new Error(`${entry} is missing: run scripts/install-deps (npm ci in node/web)`)
  }
  return import(entry)
}

export function tempDir (prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

// Starts ddc-node; resolves {url, port, stop(), log()} once it logged its "listening on" line.
export function startNode (dataDir, extraArgs = []) {
  const node = requireEnv('DDC_NODE')
  const child = spawn(node, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, ...extraArgs],
    { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk) => {
      log += chunk
      const match = /ddc-node: listening on http:\/\/127\.0\.0\.1:(\d+) /.exec(log)
      if (match && !child.started) {
        child.started = true
        const port = Number(match[1])
        resolve({
          port,
          url: `http://127.0.0.1:${port}`,
          log: () => log,
          stop: () => new Promise((resolveStop) => {
            if (child.exitCode !== null) return resolveStop(child.exitCode)
            child.once('exit', (code) => resolveStop(code))
            child.kill('SIGTERM')
          })
        })
      }
    })
    child.once('exit', (code) => {
      if (!child.started) reject(new Error(`ddc-node exited with ${code} before listening:\n${log}`))
    })
  })
}

export function run (binary, args, { input, env } = {}) {
  const r = spawnSync(binary, args, { input, env: env ?? process.env, encoding: 'utf8' })
  if (r.status !== 0) {
    throw new Error(`${path.basename(binary)} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  }
  return r
}

async function post (url, body, type) {
  const response = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': type } })
  const text = await response.text()
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${text}`)
  return JSON.parse(text)
}

// A user: an ed25519 key made by `ddc key gen` and a random master key for (bucket, user).
export function makeUser (dir, name) {
  const cli = requireEnv('DDC_CLI')
  const keyFile = path.join(dir, `${name}.key`)
  const r = run(cli, ['key', 'gen', '-o', keyFile])
  const publicKey = r.stderr.trim().split('\n').at(-1)
  if (!/^[0-9a-f]{64}$/.test(publicKey)) throw new Error(`ddc key gen printed "${r.stderr}"`)
  return { name, keyFile, publicKey, master: crypto.randomBytes(32).toString('hex') }
}

// Makes one event with `ddc event make` and posts it to the node. `publicScopes` and
// `sealedScopes` map scope names to JSON values; sealed ones are sealed by ddc-crypto-tool
// under the user's master key, key version 1 (what `ddc event make --sealed` records), no
// compression. Returns the event's CID. With `as` ({name, env}: a keystore key and the
// environment that opens the keystore), `ddc --node URL --as NAME event put` appends it with
// credentials (a node with access control on); without, a plain POST does.
export async function putEvent (node, dir, user, { bucket, id, type, time, prev, publicScopes = {}, sealedScopes = {}, as }) {
  const cli = requireEnv('DDC_CLI')
  const tool = requireEnv('DDC_CRYPTO_TOOL')
  const args = ['event', 'make', '--key', user.keyFile, '--bucket', String(bucket), '--id', id,
    '--type', type, '--time', String(time)]
  if (prev) args.push('--prev', prev)
  for (const [name, value] of Object.entries(publicScopes)) {
    const file = path.join(dir, `${id}-${name}.json`)
    fs.writeFileSync(file, JSON.stringify(value))
    args.push('--public', `${name}=${file}`)
  }
  for (const [name, value] of Object.entries(sealedScopes)) {
    const scopeKey = run(tool, ['derive', user.master, name, '1']).stdout.trim()
    const plaintext = Buffer.from(JSON.stringify(value)).toString('hex')
    const idHex = Buffer.from(id).toString('hex')
    const answer = run(tool, ['seal-scope', scopeKey, String(bucket), user.publicKey, idHex, name,
      '1', '0', plaintext]).stdout.trim().split(' ')
    if (answer.length !== 2) throw new Error(`ddc-crypto-tool seal-scope answered ${answer}`)
    const file = path.join(dir, `${id}-${name}.sealed`)
    fs.writeFileSync(file, Buffer.concat(answer.map((hex) => Buffer.from(hex, 'hex'))))
    args.push('--sealed', `${name}=${file}`)
  }
  const out = path.join(dir, `${id}.cbor`)
  run(cli, [...args, '-o', out])
  if (as) {
    // "<cid> position <p> journal <j>".
    const line = run(cli, ['--node', node.url, '--as', as.name, 'event', 'put', out], { env: as.env }).stdout
    return line.trim().split(' ')[0]
  }
  const put = await post(`${node.url}/v1/buckets/${bucket}/events`, fs.readFileSync(out),
    'application/cbor')
  return put.cid
}

export function checkpoint (node) {
  return post(`${node.url}/v1/checkpoints`, '', 'application/json')
}

// Anchors the node's newest checkpoint on its chain now (POST /v1/anchors): the Anchor JSON.
export function anchorNow (node) {
  return post(`${node.url}/v1/anchors`, '', 'application/json')
}

// GET `target` of the node: {status, body} with the body parsed as JSON.
export async function getJson (node, target) {
  const response = await fetch(node.url + target, { headers: { Accept: 'application/json' } })
  return { status: response.status, body: await response.json() }
}

export async function launchChromium () {
  const { chromium } = await loadPlaywright()
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium'
  if (!fs.existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: run scripts/install-deps (Debian's chromium)`)
  }
  // As root Chromium refuses to start without --no-sandbox.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : []
  return chromium.launch({ executablePath, headless: true, args })
}
