// When a CronJob's schedule fires: the next and most recent fire times of a standard cron
// schedule (parsed by the API's cron parser) evaluated on the wall clock of an IANA time zone
// (through Intl), as robfig/cron's SpecSchedule.Next does.
import { type CronSchedule, parseCronSchedule } from "../../api/batch/cron.ts";

export type Schedule = CronSchedule | { everySeconds: number };

export function parseSchedule(text: string): Schedule {
  return parseCronSchedule(text);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Throws RangeError for an unknown zone. */
export function checkTimeZone(zone: string): void {
  formatter(zone);
}

/** The wall clock of `instant` in `zone`, as a Date whose UTC fields are that wall clock. */
export function wallClock(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
}

/** Offset of `zone` from UTC at `instant`, in ms. */
export function offsetAt(instant: number, zone: string): number {
  return wallClock(Math.floor(instant / 1000) * 1000, zone) - Math.floor(instant / 1000) * 1000;
}

/** The instant whose wall clock in `zone` is `wall` (the later offset wins in a fold; gaps shift forward). */
function instantOf(wall: number, zone: string): number {
  let guess = wall - offsetAt(wall, zone);
  guess = wall - offsetAt(guess, zone);
  return guess;
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.daysOfMonth.has(d.getUTCDate());
  const dow = s.daysOfWeek.has(d.getUTCDay());
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

/** The first fire time strictly after `after` (epoch ms), or undefined within five years. */
export function nextAfter(schedule: Schedule, after: number, zone: string): number | undefined {
  if ("everySeconds" in schedule) {
    const step = Math.max(1, Math.round(schedule.everySeconds)) * 1000;
    return Math.floor(after / 1000) * 1000 + step;
  }
  const s = schedule;
  const start = wallClock(after, zone);
  const t = new Date(Math.floor(start / 60_000) * 60_000 + 60_000);
  const limit = t.getUTCFullYear() + 5;
  wrap: while (t.getUTCFullYear() <= limit) {
    while (!s.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      if (t.getUTCFullYear() > limit) return undefined;
    }
    while (!dayMatches(s, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      if (t.getUTCDate() === 1) continue wrap;
    }
    while (!s.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      if (t.getUTCHours() === 0) continue wrap;
    }
    while (!s.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      if (t.getUTCMinutes() === 0) continue wrap;
    }
    const at = instantOf(t.getTime(), zone);
    // A wall time in a DST gap maps back before `after`: try the next minute.
    if (at <= after) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return at;
  }
  return undefined;
}

export interface RecentSchedule {
  /** The latest fire time in (earliest, now], if any. */
  latest?: number;
  /** How many fire times fell in (earliest, now] (counting stops at 101). */
  missed: number;
  /** The first fire time after `now`. */
  next?: number;
}

/** Walking more fire times than this gives up counting (the latest is still found by a jump). */
const maxWalk = 100_000;

/** Fire times between `earliest` (exclusive) and `now` (inclusive) (Kubernetes' mostRecentScheduleTime). */
export function mostRecent(schedule: Schedule, earliest: number, now: number, zone: string): RecentSchedule {
  let missed = 0;
  let latest: number | undefined;
  let from = earliest;
  // Start close to now when earliest is far behind (a long-suspended or very old CronJob).
  if (now - earliest > 400 * 86_400_000) from = now - 400 * 86_400_000;
  let t = nextAfter(schedule, from, zone);
  while (t !== undefined && t <= now && missed < maxWalk) {
    latest = t;
    missed++;
    t = nextAfter(schedule, t, zone);
  }
  return { ...(latest !== undefined ? { latest } : {}), missed, ...(t !== undefined ? { next: t } : {}) };
}

const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Go's time.RFC1123Z in UTC ("Mon, 02 Jan 2006 15:04:05 +0000"), as upstream's events print times. */
export function rfc1123z(instant: number): string {
  const d = new Date(instant);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${monthNames[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** RFC 3339 with the zone's offset at that instant ("2024-03-10T09:00:00-07:00"). */
export function formatInZone(instant: number, zone: string): string {
  const off = offsetAt(instant, zone);
  const wall = new Date(instant + off).toISOString().replace(/\.\d{3}Z$/, "");
  if (off === 0) return `${wall}Z`;
  const sign = off < 0 ? "-" : "+";
  const abs = Math.abs(off) / 60_000;
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${wall}${sign}${hh}:${mm}`;
}
