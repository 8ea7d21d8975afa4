import { z } from "zod";
import { expiredTrash, purgeTrash } from "../../articles/trash.service.js";
import { parseInput } from "../../http/validate.js";
import { parseFlags, say, type DatabaseCommand } from "../command.js";

const daysFlag = z.coerce
  .number({ message: "--older-than-days takes a whole number of days, such as 30." })
  .int({ message: "--older-than-days takes a whole number of days, such as 30." })
  .min(0, { message: "--older-than-days takes a whole number of days, such as 30." })
  .max(36_500, { message: "--older-than-days is at most 36500." });

/**
 * npm run articles:purge -- [--older-than-days N] [--yes]: says how many articles have been in the
 * trash longer than N days (TRASH_DAYS, 30 by default) and how many claims go with them; only with
 * --yes does it remove them for good.
 */
export const articlesPurge: DatabaseCommand = {
  name: "articles:purge",
  access: "database",
  async run(db, args, io, config) {
    const confirmed = args.includes("--yes");
    const flags = parseFlags(
      args.filter((arg) => arg !== "--yes"),
      ["older-than-days"],
    );
    const days =
      flags["older-than-days"] === undefined
        ? config.trashDays
        : parseInput(daysFlag, flags["older-than-days"]);
    const before = new Date(Date.now() - days * 86_400_000);
    const { articles, claims } = await expiredTrash(db.prisma, before);
    const what = `${articles} article${articles === 1 ? "" : "s"} in the trash for more than ${days} day${days === 1 ? "" : "s"}, with ${claims} claim${claims === 1 ? "" : "s"}`;
    if (articles === 0)
      return say(io, `Nothing to purge: no article has been in the trash for more than ${days} days.`);
    if (!confirmed)
      return say(
        io,
        `${what}, would be removed for good. Nothing was removed: run again with --yes to purge them.`,
      );
    await purgeTrash(db.prisma, before);
    say(io, `Removed for good: ${what}.`);
  },
};
