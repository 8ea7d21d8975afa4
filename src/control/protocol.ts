/**
 * The control socket's wire format. The client sends one JSON line (ControlRequest); the server
 * answers with frames: a type byte, a 4-byte big-endian length, the payload. Output streams as it
 * is produced (an export can be large), and the exit code comes last.
 */

export interface ControlRequest {
  command: string;
  args: string[];
  /** Commands that read standard input (passwords) get it whole, read by the client. */
  stdin: string;
}

export const frameTypes = { stdout: 1, stderr: 2, exit: 3 } as const;
export type FrameType = (typeof frameTypes)[keyof typeof frameTypes];

export interface Frame {
  type: FrameType;
  payload: Buffer;
}

/** Longest request line accepted: arguments and a password, never data. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

const HEADER_BYTES = 5;

export function encodeFrame(type: FrameType, payload: Buffer | string): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

export function encodeRequest(request: ControlRequest): Buffer {
  return Buffer.from(`${JSON.stringify(request)}\n`, "utf8");
}

export function parseRequest(line: string): ControlRequest {
  const value = JSON.parse(line) as Partial<ControlRequest>;
  const args = value.args ?? [];
  if (typeof value.command !== "string" || !Array.isArray(args) || args.some((a) => typeof a !== "string")) {
    throw new Error("malformed control request");
  }
  return { command: value.command, args, stdin: typeof value.stdin === "string" ? value.stdin : "" };
}

/** Reassembles frames from socket chunks, which split and join frames arbitrarily. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    while (this.pending.length >= HEADER_BYTES) {
      const length = this.pending.readUInt32BE(1);
      if (this.pending.length < HEADER_BYTES + length) break;
      const type = this.pending.readUInt8(0) as FrameType;
      frames.push({ type, payload: this.pending.subarray(HEADER_BYTES, HEADER_BYTES + length) });
      this.pending = this.pending.subarray(HEADER_BYTES + length);
    }
    return frames;
  }

  get midFrame(): boolean {
    return this.pending.length > 0;
  }
}
