import { PGlite } from "@electric-sql/pglite";
import fs from "node:fs";
const db = await PGlite.create({ dataDir: "/tmp/fd/pg" });
console.log("opened");
const ins = async (label) => { try { await db.query("INSERT INTO t (v) SELECT md5(random()::text) FROM generate_series(1,5000)"); console.log(label, "ok"); } catch (e) { console.log(label, "err", e.code, String(e.message).slice(0,90)); } };
await ins("before");
try { const fd = fs.openSync("/tmp/fd/filler2", "w"); const buf = Buffer.alloc(1<<16); for(;;) fs.writeSync(fd, buf); } catch (e) { console.log("filled", e.code); }
await ins("full1");
await ins("full2");
fs.rmSync("/tmp/fd/filler2");
console.log("freed");
await ins("freed1");
await ins("freed2");
try { await db.query("CREATE TABLE t2 (v text)"); await db.query("INSERT INTO t2 SELECT md5(random()::text) FROM generate_series(1,5000)"); console.log("t2 ok"); } catch (e) { console.log("t2 err", e.message); }
try { await db.query("CHECKPOINT"); console.log("ckpt ok"); } catch (e) { console.log("ckpt err", e.message); }
setInterval(()=>{},1000); const t=Date.now(); await ins("after ckpt"); console.log("took", Date.now()-t);
process.exit(0);
