// Child process for durability.test.ts: writes keys /d/<n> forever, 20 in flight, and prints
// "ack <key> <revision>" for each acknowledged write. The parent kill -9s it mid-stream.
import { SqliteStore } from "../sqlite-store.ts";

const path = process.argv[2];
if (!path) throw new Error("usage: ack-writer.ts <db path>");
const store = SqliteStore.open({ path, compaction: false });
let next = 0;

async function writer(): Promise<void> {
  for (;;) {
    const key = `/d/${next++}`;
    const kv = await store.create(key, JSON.stringify({ n: next }));
    process.stdout.write(`ack ${key} ${kv.modRevision}\n`);
  }
}

await Promise.all(Array.from({ length: 20 }, () => writer()));
