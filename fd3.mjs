import { PGlite } from "@electric-sql/pglite";
import fs from "node:fs";
const db = await PGlite.create({ dataDir: "/tmp/fd/pg" });
console.log("opened");
// fill the disk with a file
try { const fd = fs.openSync("/tmp/fd/filler", "w"); const buf = Buffer.alloc(1<<20); for(;;) fs.writeSync(fd, buf); } catch (e) { console.log("filled", e.code); }
let ok = 0, errs = {};
const t0 = Date.now();
for (let i = 0; i < 200000 && Date.now() - t0 < 60000; i++) {
  const s = Date.now();
  try {
    await db.transaction(async (tx) => { await tx.query("INSERT INTO t (v) SELECT md5(random()::text) FROM generate_series(1,100)"); });
    ok++;
  } catch (e) { const k = e.code + " " + String(e.message).slice(0,100); errs[k] = (errs[k] ?? 0) + 1; }
  if (Date.now() - s > 1000) { console.log("slow", i, Date.now() - s); }
  if (i % 1000 === 0) console.log(i, ok, JSON.stringify(errs));
}
console.log("done", ok, errs);
process.exit(0);
