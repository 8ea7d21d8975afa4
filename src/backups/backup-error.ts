/** A backup, restore or move that cannot go ahead, with what to do instead: printed as one line. */
export class BackupError extends Error {}
