// The DNS server process of bench/dns.ts: 1,000 services (half headless with 10 endpoints each)
// in memory, answering on a free loopback port that it prints as JSON.
import { ClusterRecords } from "../src/dns/records.ts";
import { startDnsServer } from "../src/dns/server.ts";

const records = new ClusterRecords();
for (let i = 0; i < 1000; i++) {
  const headless = i % 2 === 1;
  records.upsertService({
    metadata: { name: `svc-${i}`, namespace: "bench" },
    spec: {
      clusterIP: headless ? "None" : `10.43.${i >> 8}.${i & 255}`,
      ports: [{ name: "http", port: 80 }],
    },
  });
  if (headless) {
    records.upsertSlice({
      addressType: "IPv4",
      metadata: {
        name: `svc-${i}-x`,
        namespace: "bench",
        labels: { "kubernetes.io/service-name": `svc-${i}` },
      },
      ports: [{ name: "http", port: 80, protocol: "TCP" }],
      endpoints: Array.from({ length: 10 }, (_, j) => ({
        addresses: [`10.42.${i >> 4}.${(i & 15) * 10 + j}`],
      })),
    });
  }
}
const server = await startDnsServer({ records, host: "127.0.0.1", port: 0, upstreams: [] });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
