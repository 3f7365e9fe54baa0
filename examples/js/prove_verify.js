#!/usr/bin/env node
'use strict';
// Proves an event and verifies the proof without trusting the store.
//
// The store seals its journal in a signed checkpoint (a C2SP tlog-checkpoint note). A proof
// bundle holds the event, its inclusion path in the user's timeline, the journal path of that
// append and the checkpoint; an auditor checks it with nothing but the node's verifier key. A
// proof with any byte changed fails.
//
// Usage: node prove_verify.js DATA_DIR   (a fresh store is made inside DATA_DIR on each run;
//                                         the proof is written there as event.proof)

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ddc = require('ddc');

const BUCKET = 42;

async function main(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(dataDir, 'prove-verify-'));
  const store = await ddc.Store.open(path.join(dir, 'store'));

  const bob = ddc.KeyPair.generate();
  const keys = new ddc.KeyRing();
  keys.addMasterKey(BUCKET, bob.publicKey, ddc.generateMasterKey());
  const builder = new ddc.EventBuilder({ default: 'private' });
  let target;
  for (let n = 0; n < 8; n++) {
    const placed = await store.append(await builder.build({
      bucket: BUCKET, id: `reading-${n}`, type: 'meter', data: { kwh: n * 1.5 },
      keys, userKey: bob, timestampMs: 1763800000000 + n,
    }));
    if (n === 5) target = placed;
  }

  // The store's side: seal the journal, prove the event, publish the verifier key.
  const checkpoint = await store.checkpoint();
  console.log(`checkpoint: ${checkpoint.size} appends under ${checkpoint.origin}`);
  const proof = await store.proveEvent(target.cid);
  const verifierKey = await store.nodeVerifierKey();
  const proofFile = path.join(dir, 'event.proof');
  fs.writeFileSync(proofFile, proof);
  await store.close();

  // The auditor's side: the proof file and the verifier key, no store.
  const verified = await ddc.verifyEventProof(fs.readFileSync(proofFile), verifierKey);
  console.log(`verified ${verified.cid}: position ${verified.position} of ${verified.event.user}, ` +
    `journal leaf ${verified.journal_index} of ${verified.checkpoint_size}`);
  assert.equal(verified.cid, target.cid);
  assert.equal(verified.position, 5);
  assert.equal(verified.checkpoint_size, 8);
  assert.equal(verified.event.id, 'reading-5');

  // A changed byte anywhere (here: in the middle of the bundle) fails verification.
  const tampered = Buffer.from(proof);
  tampered[tampered.length >> 1] ^= 0x40;
  await assert.rejects(ddc.verifyEventProof(tampered, verifierKey), (error) => {
    console.log(`tampered proof: ${error.name} (${error.code}): ${error.message}`);
    return error instanceof ddc.DdcError;
  });
  // So does a proof checked against another node's key.
  const other = await ddc.Store.open(path.join(dir, 'other'));
  await assert.rejects(ddc.verifyEventProof(proof, await other.nodeVerifierKey()), ddc.DdcError);
  await other.close();
  console.log('prove_verify: ok');
}

if (process.argv.length !== 3) {
  console.error('usage: node prove_verify.js DATA_DIR');
  process.exit(2);
}
main(process.argv[2]).catch((error) => {
  console.error('prove_verify: failed:', error);
  process.exit(1);
});
