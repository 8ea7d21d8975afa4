import { PGlite } from "@electric-sql/pglite";
import fs from "node:fs";
const db = await PGlite.create({ dataDir: "/tmp/fd/pg" });
console.log("opened");
try { const fd = fs.openSync("/tmp/fd/filler2", "w"); const buf = Buffer.alloc(1<<16); for(;;) fs.writeSync(fd, buf); } catch (e) { console.log("filled", e.code); }
setInterval(() => console.log("tick", new Date().toISOString()), 2000).unref();
for (let i = 0; i < 50; i++) {
  const s = Date.now();
  try { const r = await db.query(`DELETE FROM t WHERE id IN (SELECT id FROM t ORDER BY id LIMIT 2000)`); console.log("del ok", r.affectedRows, Date.now()-s); }
  catch (e) { console.log("del err", e.code, String(e.message).slice(0,100), Date.now()-s); }
}
process.exit(0);
