import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatInZone, mostRecent, nextAfter, parseSchedule, rfc1123z } from "./schedule.ts";

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe("cron schedule evaluation", () => {
  it("steps, ranges, lists, names and descriptors in UTC", () => {
    const after = t("2024-01-01T00:07:30Z");
    assert.equal(iso(nextAfter(parseSchedule("*/15 * * * *"), after, "UTC")), "2024-01-01T00:15:00.000Z");
    assert.equal(iso(nextAfter(parseSchedule("5,50 9-17 * * *"), after, "UTC")), "2024-01-01T09:05:00.000Z");
    // 2024-01-01 is a Monday: the next Friday is the 5th.
    assert.equal(
      iso(nextAfter(parseSchedule("0 12 * jan-mar fri"), after, "UTC")),
      "2024-01-05T12:00:00.000Z",
    );
    assert.equal(iso(nextAfter(parseSchedule("@hourly"), after, "UTC")), "2024-01-01T01:00:00.000Z");
    assert.equal(iso(nextAfter(parseSchedule("@monthly"), after, "UTC")), "2024-02-01T00:00:00.000Z");
    assert.equal(iso(nextAfter(parseSchedule("0 0 29 2 *"), after, "UTC")), "2024-02-29T00:00:00.000Z");
    // Day of month and day of week both restricted: either matches (the 13th or a Friday).
    assert.equal(iso(nextAfter(parseSchedule("0 0 13 * 5"), after, "UTC")), "2024-01-05T00:00:00.000Z");
  });

  it("evaluates the wall clock of a time zone, across DST", () => {
    // 09:00 in New York is 14:00 UTC in winter, 13:00 UTC in summer.
    const s = parseSchedule("0 9 * * *");
    assert.equal(
      iso(nextAfter(s, t("2024-03-09T15:00:00Z"), "America/New_York")),
      "2024-03-10T13:00:00.000Z",
    );
    assert.equal(
      iso(nextAfter(s, t("2024-01-09T15:00:00Z"), "America/New_York")),
      "2024-01-10T14:00:00.000Z",
    );
    assert.equal(formatInZone(t("2024-01-10T14:00:00Z"), "America/New_York"), "2024-01-10T09:00:00-05:00");
    assert.equal(formatInZone(t("2024-01-10T14:00:00Z"), "Asia/Kolkata"), "2024-01-10T19:30:00+05:30");
  });

  it("finds the most recent missed time and counts misses", () => {
    const s = parseSchedule("* * * * *");
    const r = mostRecent(s, t("2024-01-01T00:00:00Z"), t("2024-01-01T00:05:30Z"), "UTC");
    assert.deepEqual(
      [iso(r.latest), r.missed, iso(r.next)],
      ["2024-01-01T00:05:00.000Z", 5, "2024-01-01T00:06:00.000Z"],
    );
    const many = mostRecent(s, t("2024-01-01T00:00:00Z"), t("2024-01-01T10:00:30Z"), "UTC");
    assert.equal(many.missed, 600);
    assert.equal(iso(many.latest), "2024-01-01T10:00:00.000Z");
    assert.equal(rfc1123z(t("2024-01-05T09:03:04Z")), "Fri, 05 Jan 2024 09:03:04 +0000");
  });
});
