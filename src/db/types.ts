import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

/** Either the client or an interactive transaction: service helpers accept both. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

export { Prisma };
export type { PrismaClient };
