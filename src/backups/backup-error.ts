/** A backup, restore or move that cannot go ahead, with what to do instead: printed as one line. */
export class BackupError extends Error {}

/** A file that is a backup, or began as one, but cannot be read to its end as it was written. */
export class DamagedBackupError extends BackupError {
  constructor(file: string, problem: string) {
    super(
      `The backup ${file} is damaged or incomplete (${problem}). Use another backup (npm run backup:list).`,
    );
  }
}

/** Some other file: not gzip, or no backup manifest where one starts. */
export class NotABackupError extends BackupError {
  constructor(file: string, problem: string) {
    super(
      `${file} is not a Claimant backup (${problem}). Name a backup file: npm run backup:list shows them.`,
    );
  }
}

/** A backup whose signature does not verify with the key used, or that has none. */
export class UnverifiedBackupError extends BackupError {}
