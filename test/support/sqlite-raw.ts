// What a stopped server's SQLite file holds, read from the file itself (encryption-at-rest tests).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

/** The stored value of a key in `<dataDir>/state.db` ("" when absent). */
export function rawValue(dataDir: string, key: string): string {
  const db = new Database(join(dataDir, "state.db"), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare("SELECT l.value AS value FROM current c JOIN log l ON l.revision = c.revision WHERE c.key = ?")
      .get(key) as { value: string } | undefined;
    return row?.value ?? "";
  } finally {
    db.close();
  }
}

/** Whether any file of the database (main, WAL) holds the text. */
export function onDisk(dataDir: string, text: string): boolean {
  return readdirSync(dataDir)
    .filter((f) => f.startsWith("state.db"))
    .some((f) => readFileSync(join(dataDir, f)).includes(Buffer.from(text)));
}
