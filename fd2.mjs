import { PGlite } from "@electric-sql/pglite";
const db = await PGlite.create({ dataDir: "/tmp/fd/pg" });
console.log("opened");
let ok = 0, errs = {};
const t0 = Date.now();
for (let i = 0; i < 200000 && Date.now() - t0 < 60000; i++) {
  const s = Date.now();
  try {
    await db.transaction(async (tx) => { await tx.query("INSERT INTO t (v) VALUES (md5(random()::text))"); });
    ok++;
  } catch (e) { errs[e.code + " " + e.message] = (errs[e.code + " " + e.message] ?? 0) + 1; }
  if (Date.now() - s > 1000) { console.log("slow", i, Date.now() - s); }
  if (i % 5000 === 0) console.log(i, ok, JSON.stringify(errs));
}
console.log("done", ok, errs);
process.exit(0);
