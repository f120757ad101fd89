import assert from "node:assert/strict";
import { test } from "node:test";
import { ForbiddenError, UnauthorizedError } from "../../api/errors.ts";
import { parseRequestInfo } from "../requestinfo.ts";
import { allowDashboardAssets, anonymousAllowed, createAuthenticator, webSocketBearer } from "./authn.ts";
import type { Authorizer } from "./authz.ts";
import { anonymousUser } from "./user.ts";

const protocol = (token: string) =>
  `base64url.bearer.authorization.k8s.io.${Buffer.from(token).toString("base64url")}`;

function upgrade(protocols: string) {
  return {
    method: "GET",
    url: "/api/v1/namespaces/default/pods/p/exec?command=sh",
    body: [],
    headers: {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-protocol": protocols,
    } as Record<string, string>,
  };
}

test("a WebSocket bearer subprotocol authenticates and is removed before proxying", async () => {
  const authn = createAuthenticator({ tokens: new Map([["s3cret.token", { name: "alice", groups: [] }]]) });
  const req = upgrade(`${protocol("s3cret.token")}, v5.channel.k8s.io`);
  const user = await authn.authenticate(req);
  assert.equal(user?.name, "alice");
  assert.deepEqual(user?.groups, ["system:authenticated"]);
  assert.equal(req.headers["sec-websocket-protocol"], "v5.channel.k8s.io");
});

test("bad WebSocket bearer subprotocols are 401; none at all is anonymous", async () => {
  const authn = createAuthenticator({ tokens: new Map([["good", { name: "alice", groups: [] }]]) });
  await assert.rejects(
    async () => authn.authenticate(upgrade(`${protocol("bad")},v5.channel.k8s.io`)),
    UnauthorizedError,
  );
  // The token's protocol alone leaves nothing to echo back.
  assert.throws(() => webSocketBearer(upgrade(protocol("good"))), UnauthorizedError);
  assert.throws(
    () => webSocketBearer(upgrade(`${protocol("good")},${protocol("good")},v5.channel.k8s.io`)),
    UnauthorizedError,
  );
  assert.throws(
    () => webSocketBearer(upgrade("base64url.bearer.authorization.k8s.io.a+b/,v5.channel.k8s.io")),
    UnauthorizedError,
  );
  assert.equal(await authn.authenticate(upgrade("v5.channel.k8s.io")), undefined);
  // Not an upgrade: the protocol header means nothing.
  const plain = upgrade(`${protocol("good")},v5.channel.k8s.io`);
  plain.headers.upgrade = "";
  assert.equal(await authn.authenticate(plain), undefined);
});

test("the dashboard's static files are public; nothing else new is", () => {
  assert.equal(anonymousAllowed("/dashboard/"), true);
  assert.equal(anonymousAllowed("/dashboard/assets/index-abc.js"), true);
  assert.equal(anonymousAllowed("/dashboardx"), false);
  assert.equal(anonymousAllowed("/api/v1/pods"), false);
  const denyAll: Authorizer = {
    authorize: () => {
      throw new ForbiddenError("no");
    },
  };
  const authz = allowDashboardAssets(denyAll);
  const info = (method: string, path: string) => parseRequestInfo(method, new URL(path, "https://x.invalid"));
  assert.doesNotThrow(() => authz.authorize(anonymousUser, info("GET", "/dashboard/pods")));
  assert.throws(() => authz.authorize(anonymousUser, info("POST", "/dashboard/")), ForbiddenError);
  assert.throws(() => authz.authorize(anonymousUser, info("GET", "/api/v1/pods")), ForbiddenError);
  // Dot segments are resolved before the path is looked at.
  assert.throws(
    () => authz.authorize(anonymousUser, info("GET", "/dashboard/../api/v1/secrets")),
    ForbiddenError,
  );
});
