// The static token file of `--token-auth-file`: CSV lines `token,user,uid,"group1,group2"`.
import type { UserInfo } from "./user.ts";

/** Splits one CSV line with double-quoted fields ("" escapes a quote). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

/** Parses the file; throws Error naming the line for malformed entries. */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.trim().startsWith("#")) return;
    const [token = "", name = "", uid = "", groups = ""] = csvFields(line);
    if (token === "" || name === "") {
      throw new Error(`token file line ${i + 1}: expected at least token,user`);
    }
    const user: UserInfo = {
      name,
      groups:
        groups === ""
          ? []
          : groups
              .split(",")
              .map((g) => g.trim())
              .filter((g) => g !== ""),
    };
    if (uid !== "") user.uid = uid;
    tokens.set(token, user);
  });
  return tokens;
}
