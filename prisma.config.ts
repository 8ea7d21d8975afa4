import { defineConfig } from "prisma/config";

// Used by the Prisma CLI on machines where it can reach its engines (`prisma migrate status`,
// `prisma studio`). The app itself never reads this file.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/claimant" },
});
