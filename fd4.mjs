import { PGlite } from "@electric-sql/pglite";
import fs from "node:fs";
const db = await PGlite.create({ dataDir: "/tmp/fd/pg" }).catch(e => { console.log("open failed", e.message); process.exit(1); });
console.log("opened");
try { const fd = fs.openSync("/tmp/fd/filler2", "w"); const buf = Buffer.alloc(1<<20); for(;;) fs.writeSync(fd, buf); } catch (e) { console.log("filled", e.code); }
let errs = {};
const run = async (label, n) => { let ok = 0; for (let i = 0; i < n; i++) { try { await db.transaction(async (tx) => { await tx.query("INSERT INTO t (v) SELECT md5(random()::text) FROM generate_series(1,100)"); }); ok++; } catch (e) { const k = e.code + " " + String(e.message).slice(0,80); errs[k] = (errs[k] ?? 0) + 1; } } console.log(label, ok, JSON.stringify(errs)); errs = {}; };
await run("full", 2000);
fs.rmSync("/tmp/fd/filler2",{force:true});
console.log("freed");
await run("freed", 2000);
console.log((await db.query("select count(*) from t")).rows);
await db.close();
const db2 = await PGlite.create({ dataDir: "/tmp/fd/pg" });
console.log("reopened", (await db2.query("select count(*) from t")).rows);
process.exit(0);
