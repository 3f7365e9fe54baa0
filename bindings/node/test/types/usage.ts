// Typed usage of the package, checked by `tsc --noEmit -p test/types` (ctest node.types): the
// declarations in index.d.ts must accept what the README and the examples do, and refuse what
// the binding refuses (each @ts-expect-error line must be an error).
import * as ddc from '../..';

async function main(dir: string): Promise<void> {
  const store: ddc.Store = await ddc.Store.open(dir, { durability: 'group', bucketOwners: { 7: 'ab'.repeat(32) } });
  const alice = ddc.KeyPair.generate();
  const master: Buffer = ddc.generateMasterKey();
  const keys = new ddc.KeyRing();
  keys.addMasterKey(7, alice.publicKey, master);
  keys.addMasterKey(7n, null, master, 2);
  const builder = new ddc.EventBuilder({ default: 'core', scopes: { profile: ['$.user'] }, public: ['meta'] });
  const event: Buffer = await builder.build({
    bucket: 7, id: 'e1', type: 'view', data: { page: '/' }, keys, userKey: alice, timestampMs: Date.now(),
  });
  const placed: ddc.AppendResult = await store.append(event);
  const position: number = placed.position;
  const got = await store.getEvent(placed.cid);
  const again = await store.append(got);
  const results = await store.appendBatch([event, got]);
  for (const r of results) {
    if (r instanceof ddc.DdcError) console.log(r.code, r.status);
    else console.log(r.journal_index);
  }
  for await (const e of store.timeline(7, alice.user, { reverse: true, keys, pageSize: 16 })) {
    const p: number = e.position;
    console.log(p, e.cid, e.data?.page, e.opened?.complete);
  }
  const all: ddc.TimelineEvent[] = await store.timeline(7, alice.publicKey, { since: 0 }).toArray();
  const users: ddc.TimelineInfo[] = await store.users(7).toArray();
  const blob: string = await store.putBlob(Buffer.from('x'));
  const bytes: Buffer = await store.get(blob);
  const many: Array<Buffer | null> = await store.multiGet([blob]);
  await store.checkpoint();
  const proof: Buffer = await store.proveEvent(placed.cid);
  const verified: ddc.VerifiedEvent = await ddc.verifyEventProof(proof, await store.nodeVerifierKey());
  const partner = ddc.BoxKeyPair.generate();
  const grant = await ddc.makeGrant(master, { bucket: 7, user: alice.user, scope: 'profile', grantee: partner, granter: alice });
  await store.putGrant(grant);
  const grants: ddc.StoredGrant[] = await store.grants({ grantee: partner });
  await keys.addGrant(grants[0].bytes, partner);
  const opened: ddc.OpenedEvent = await ddc.openEvent(event, keys, { trusted: false });
  const outcome: 'opened' | 'no_key' | 'wrong_key' | 'tampered' | 'malformed' = opened.scopes[0].outcome;
  const erased: ddc.EraseResult = await store.erase(await ddc.makeTombstone(alice, { bucket: 7, event: placed.cid }));
  const erasure: ddc.ErasureProof = await store.proveErasure(placed.cid);
  const ok: void = await ddc.verifyErasureProof(erasure);
  const name = await ddc.makeName(alice, { bucket: 7, name: 'www', target: blob, sequence: 1 });
  const put: ddc.PutNameResult = await store.putName(name);
  const car: ddc.CarExportStats = await store.exportCar(7, alice.user, `${dir}/t.car`);
  const report: ddc.VerifyReport = await ddc.verifyStore(dir);
  try {
    await store.get('bafy...');
  } catch (error) {
    if (error instanceof ddc.NotFoundError) {
      const code: ddc.ErrorCode = error.code;
      console.log(code);
    }
  }
  await store.close();
  console.log(position, again, all, users, bytes, many, verified, outcome, erased, ok, put, car, report);

  // @ts-expect-error: blobs are bytes, not strings.
  await store.putBlob('text');
  // @ts-expect-error: Store is opened with Store.open.
  new ddc.Store();
  // @ts-expect-error: the iterator is async.
  for (const e of store.timeline(7, alice.user)) console.log(e);
  // @ts-expect-error: an unknown option.
  await ddc.Store.open(dir, { create_if_missing: true });
  // @ts-expect-error: keys must be a KeyRing.
  await builder.build({ bucket: 7, id: 'x', type: 't', data: {}, keys: alice, userKey: alice });
}

main(process.argv[2] ?? '.').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
