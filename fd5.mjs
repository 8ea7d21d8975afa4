import { PGlite } from "@electric-sql/pglite";
const db2 = await PGlite.create({ dataDir: "/tmp/fd/pg" });
console.log("reopened", (await db2.query("select count(*) from t")).rows);
await db2.query("INSERT INTO t (v) SELECT md5(random()::text) FROM generate_series(1,10000)");
console.log("insert ok", (await db2.query("select count(*) from t")).rows);
process.exit(0);
