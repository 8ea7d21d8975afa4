import { describe, expect, it } from "vitest";
import { encodeFrame, FrameDecoder, frameTypes, parseRequest } from "../../src/control/protocol.js";

describe("the control socket's frames", () => {
  it("come out whole however the socket splits or joins them", () => {
    const big = Buffer.alloc(100_000, "x");
    const stream = Buffer.concat([
      encodeFrame(frameTypes.stdout, "first line\n"),
      encodeFrame(frameTypes.stderr, "a warning é\n"),
      encodeFrame(frameTypes.stdout, big),
      encodeFrame(frameTypes.exit, "0"),
    ]);
    for (const size of [1, 7, 4096, stream.length]) {
      const decoder = new FrameDecoder();
      const frames = [];
      for (let at = 0; at < stream.length; at += size)
        frames.push(...decoder.push(stream.subarray(at, at + size)));
      expect(frames.map((frame) => [frame.type, frame.payload.length])).toEqual([
        [frameTypes.stdout, 11],
        [frameTypes.stderr, 13],
        [frameTypes.stdout, big.length],
        [frameTypes.exit, 1],
      ]);
      expect(frames[1]!.payload.toString("utf8")).toBe("a warning é\n");
      expect(decoder.midFrame).toBe(false);
    }
  });

  it("accept a request line and reject anything that is not one", () => {
    expect(parseRequest('{"command":"backup","args":["--x"],"stdin":"pw"}')).toEqual({
      command: "backup",
      args: ["--x"],
      stdin: "pw",
    });
    expect(() => parseRequest('{"command":1}')).toThrow();
    expect(() => parseRequest('{"command":"backup","args":[1]}')).toThrow();
  });
});
