// User resolution against a rootfs's /etc/passwd and /etc/group.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { after, test } from "node:test";
import { tempDir } from "../../../../test/support/tempdir.ts";
import { resolveUser, UnknownUserError } from "./users.ts";

const dir = tempDir();
mkdirSync(`${dir.path}/etc`);
writeFileSync(`${dir.path}/etc/passwd`, "root:x:0:0:root:/root:/bin/sh\nwww:x:33:34:www:/var/www:/bin/sh\n");
writeFileSync(`${dir.path}/etc/group`, "root:x:0:\nstaff:x:50:\n");
after(() => dir.remove());

test("names, ids, the runAs fields and their precedence", async () => {
  const rootfs = dir.path;
  assert.deepEqual(await resolveUser({ rootfs }), { uid: 0, gid: 0, additionalGids: [] });
  assert.deepEqual(await resolveUser({ rootfs, imageUser: "www" }), { uid: 33, gid: 34, additionalGids: [] });
  assert.deepEqual(await resolveUser({ rootfs, imageUser: "www:staff" }), {
    uid: 33,
    gid: 50,
    additionalGids: [],
  });
  assert.deepEqual(await resolveUser({ rootfs, imageUser: "1234:99" }), {
    uid: 1234,
    gid: 99,
    additionalGids: [],
  });
  assert.deepEqual(await resolveUser({ rootfs, imageUser: "www", runAsUser: 33 }), {
    uid: 33,
    gid: 34,
    additionalGids: [],
  });
  assert.deepEqual(
    await resolveUser({
      rootfs,
      imageUser: "www",
      runAsUser: 1000,
      runAsGroup: 3000,
      supplementalGroups: [7],
    }),
    { uid: 1000, gid: 3000, additionalGids: [7] },
  );
  await assert.rejects(resolveUser({ rootfs, imageUser: "nobody" }), UnknownUserError);
  await assert.rejects(resolveUser({ rootfs, imageUser: "www:nogroup" }), UnknownUserError);
});
