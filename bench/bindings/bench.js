#!/usr/bin/env node
'use strict';
// The Node.js side of the language-binding benchmark (run.sh runs it beside C++ and Python).
//
// It does what `ddc-bench bindings_baseline` does in C++ (bench/bindings_workload.h), through
// the Node.js binding, on the same file of pre-signed events (written by `ddc-bench
// export_events`), and prints the same rows as JSON lines on stdout:
//
//   bindings_append_batch         every event, appendBatch of --batch events per call,
//                                 durability 'group' (the C++ default, kSyncEveryGroup);
//   bindings_get_event            getEvent of every event of that store by the CID its append
//                                 returned, in append order;
//   bindings_get                  get (the raw bytes) of every event of that store, likewise;
//   bindings_append_batch_nosync  every event, appendBatch as above, durability 'none';
//   bindings_append               the first --single events, one append call each, 'none'.
//
// One caller with one call in flight at a time (each awaited before the next, as the C++ and
// Python callers block), a fresh store per phase, default options but the durability. Each
// row's "ddc" is the best of --repeat runs (other processes only ever slow a run down),
// "ddc_median" the median. Usage (the addon and package from a build tree):
//
//   NODE_PATH=BUILD/bindings/node/lib DDC_NODE_ADDON=BUILD/bindings/node/ddc.node \
//     node bench/bindings/bench.js --events FILE [--dir DIR] [--repeat R] [--batch N] [--single N]

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const ddc = require('ddc');

function fail(message) {
  process.stderr.write(`bench.js: ${message}\n`);
  process.exit(1);
}

// The events of an export_events file (4-byte little-endian length, then the bytes), as views
// into one buffer.
function readEvents(file) {
  const data = fs.readFileSync(file);
  const events = [];
  let at = 0;
  while (at < data.length) {
    if (data.length - at < 4) fail(`${file}: truncated length at byte ${at}`);
    const n = data.readUInt32LE(at);
    at += 4;
    if (data.length - at < n) fail(`${file}: truncated event at byte ${at}`);
    events.push(data.subarray(at, at + n));
    at += n;
  }
  if (events.length === 0) fail(`${file}: no events`);
  return events;
}

async function openFresh(dir, durability) {
  fs.rmSync(dir, { recursive: true, force: true });
  return ddc.Store.open(dir, { durability });
}

function checkAppended(result, phase) {
  if (result instanceof Error) throw result;
  if (result.existed) fail(`${phase}: a fresh event was reported as already stored`);
}

function seconds(start) {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

// Events/s appending every event in appendBatch calls of `batch`, and their CIDs.
async function timedAppendBatch(store, events, batch, phase) {
  const cids = [];
  const start = process.hrtime.bigint();
  for (let b = 0; b < events.length; b += batch) {
    for (const result of await store.appendBatch(events.slice(b, b + batch))) {
      checkAppended(result, phase);
      cids.push(result.cid);
    }
  }
  return { rate: events.length / seconds(start), cids };
}

async function timedAppendSingle(store, events, count, phase) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; ++i) checkAppended(await store.append(events[i]), phase);
  return count / seconds(start);
}

async function timedGetEvent(store, cids, phase) {
  let ids = 0;
  const start = process.hrtime.bigint();
  for (const cid of cids) ids += (await store.getEvent(cid)).id ? 1 : 0;
  const rate = cids.length / seconds(start);
  if (ids !== cids.length) fail(`${phase}: an event came back without its id`);
  return rate;
}

async function timedGet(store, cids, expectedBytes, phase) {
  let size = 0;
  const start = process.hrtime.bigint();
  for (const cid of cids) size += (await store.get(cid)).length;
  const rate = cids.length / seconds(start);
  if (size !== expectedBytes) fail(`${phase}: the events came back with other sizes`);
  return rate;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function row(workload, unit, runs, note) {
  const best = Math.max(...runs);
  return { workload, unit, lang: 'node', ddc: best, ddc_median: median(runs), runs, note };
}

function count(value, name) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name}: want a positive integer, got '${value}'`);
  return n;
}

async function main() {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' },
      dir: { type: 'string', default: os.tmpdir() },
      repeat: { type: 'string', default: '3' },
      batch: { type: 'string', default: '1000' },
      single: { type: 'string', default: '20000' },
    },
  });
  if (!values.events) fail('--events FILE is required (a file written by export_events)');
  const repeat = count(values.repeat, 'repeat');
  const batch = count(values.batch, 'batch');
  const events = readEvents(values.events);
  const totalBytes = events.reduce((sum, e) => sum + e.length, 0);
  const single = Math.min(count(values.single, 'single'), events.length);
  const scratch = fs.mkdtempSync(path.join(values.dir, 'ddc-bench-node-'));
  const dir = path.join(scratch, 'store');
  const runs = { appendBatch: [], appendBatchNosync: [], append: [], getEvent: [], get: [] };
  try {
    for (let rep = 0; rep < repeat; ++rep) {
      process.stderr.write(`[bench.js #${rep + 1}/${repeat}] ${events.length} events\n`);
      let store = await openFresh(dir, 'group');
      const synced = await timedAppendBatch(store, events, batch, 'bindings_append_batch');
      runs.appendBatch.push(synced.rate);
      runs.getEvent.push(await timedGetEvent(store, synced.cids, 'bindings_get_event'));
      runs.get.push(await timedGet(store, synced.cids, totalBytes, 'bindings_get'));
      await store.close();
      store = await openFresh(dir, 'none');
      runs.appendBatchNosync.push(
        (await timedAppendBatch(store, events, batch, 'bindings_append_batch_nosync')).rate);
      await store.close();
      store = await openFresh(dir, 'none');
      runs.append.push(await timedAppendSingle(store, events, single, 'bindings_append'));
      await store.close();
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const of = `${events.length} pre-signed events of ${(totalBytes / events.length).toFixed(0)} B ` +
    'on average, one caller, fresh store';
  const how = `appendBatch x${batch}`;
  const rows = [
    row('bindings_append_batch', 'events/s', runs.appendBatch, `${of}; ${how}; durability group`),
    row('bindings_append_batch_nosync', 'events/s', runs.appendBatchNosync,
      `${of}; ${how}; durability none`),
    row('bindings_append', 'events/s', runs.append,
      `the first ${single} of the ${of}; append one at a time; durability none`),
    row('bindings_get_event', 'gets/s', runs.getEvent,
      'getEvent of every event of the bindings_append_batch store, in append order'),
    row('bindings_get', 'gets/s', runs.get,
      'get (raw bytes) of every event of the bindings_append_batch store, in append order'),
  ];
  for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
}

main().catch((error) => {
  process.stderr.write(`bench.js: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
