import type { Readable, Writable } from "node:stream";
import type { ClaimFilters } from "../claims/claims.filters.js";
import type { Database } from "../db/database.js";
import type { CurrentUser } from "../http/current-user.js";
import { embeddedExportState, openEmbeddedExport } from "./embedded-export.js";
import type { ExportLimits } from "./export-limits.js";
import type { ExportPlan } from "./export-plan.js";
import { annotationsOfClaims, jsonLinesOfClaims } from "./claim-lines.js";
import { articlesExportQuery, claimsExportQuery, type KeysetPage } from "./export-query.js";
import { jsonLines, webAnnotationCollectionHead, webAnnotationCollectionTail } from "./formats.js";
import { exportFileName } from "./file-name.js";
import { deliver, type Delivery } from "./send.js";
import { citronExportQuery, citronLines } from "./citron.js";
import { openServerExport } from "./server-export.js";

export const claimFormats = ["csv", "jsonl", "jsonld"] as const;
export type ClaimFormat = (typeof claimFormats)[number];

export interface ExportOptions {
  /** Adds a UTF-8 byte order mark so Excel reads the CSV as UTF-8. */
  excel?: boolean;
  /** Absolute base URL of the app, for annotation ids and sources. */
  baseUrl: string;
}

const BOM = "\uFEFF";

/** An export that has started reading and has not sent a byte yet. */
export interface Download {
  /**
   * Sends the export to `out`. A client that went away or stopped reading is an outcome, not an
   * error; a failure of the export itself is thrown, and by then `out` has been destroyed.
   */
  sendTo(out: Writable): Promise<Delivery>;
  /** What to call the downloaded file: it says what was filtered (project, speaker, dates…). */
  fileName: string;
}

export interface Exporter {
  claims(
    viewer: CurrentUser,
    filters: ClaimFilters,
    format: ClaimFormat,
    options: ExportOptions,
  ): Promise<Download>;
  /** Articles with full bodies and metadata, one JSON object a line. */
  articles(viewer: CurrentUser, filters: ClaimFilters): Promise<Download>;
  /** The claims as Citron documents, one article a line (docs/export.md). */
  citron(viewer: CurrentUser, filters: ClaimFilters): Promise<Download>;
}

/**
 * Exports for one app process. Opening one checks the limits (429: this user runs too many;
 * 503: every export connection is busy), reads the first rows, and only then returns, so that
 * wrong filters, limits and an unreachable database all answer with a status before any byte.
 */
export function createExporter(db: Database, limits: ExportLimits): Exporter {
  const embedded = embeddedExportState();
  const open = async (
    viewer: CurrentUser,
    plan: ExportPlan,
    fileName: Promise<string>,
  ): Promise<Download> => {
    const name = await fileName;
    const source: Readable = db.exportPool
      ? await openServerExport(db, plan, viewer, limits)
      : await openEmbeddedExport(db.pglite!, plan, viewer, limits, embedded);
    return { sendTo: (out) => deliver(source, out, limits.idleTimeoutMs), fileName: name };
  };
  const nameFor = async (
    what: "claims" | "articles",
    extension: string,
    filters: ClaimFilters,
    variant?: "excel",
  ) => {
    const project = filters.project
      ? await db.prisma.project.findUnique({ where: { id: filters.project }, select: { name: true } })
      : null;
    return exportFileName(what, extension, filters, {
      projectName: project?.name,
      today: new Date(),
      variant,
    });
  };
  return {
    claims(viewer, filters, format, options) {
      if (format === "csv") {
        return open(
          viewer,
          {
            kind: "csv",
            query: (page?: KeysetPage) => claimsExportQuery(filters, viewer, page),
            prefix: options.excel ? BOM : "",
          },
          nameFor("claims", "csv", filters, options.excel ? "excel" : undefined),
        );
      }
      const annotations = format === "jsonld";
      return open(
        viewer,
        {
          kind: "lines",
          query: (page?: KeysetPage) => claimsExportQuery(filters, viewer, page, "values"),
          lines: () => (annotations ? annotationsOfClaims(options.baseUrl) : jsonLinesOfClaims()),
          head: annotations ? webAnnotationCollectionHead(options.baseUrl, new Date()) : "",
          tail: annotations ? webAnnotationCollectionTail : "",
        },
        nameFor("claims", format, filters),
      );
    },
    citron(viewer, filters) {
      return open(
        viewer,
        {
          kind: "rows",
          query: (page?: KeysetPage) => citronExportQuery(filters, viewer, page),
          key: "article_id",
          encode: citronLines,
        },
        nameFor("claims", "citron.jsonl", filters),
      );
    },
    articles(viewer, filters) {
      return open(
        viewer,
        {
          kind: "rows",
          query: (page?: KeysetPage) => articlesExportQuery(filters, viewer, page),
          key: "article_id",
          encode: jsonLines,
        },
        nameFor("articles", "jsonl", filters),
      );
    },
  };
}
