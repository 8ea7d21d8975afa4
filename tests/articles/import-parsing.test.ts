import { describe, expect, it } from "vitest";
import {
  decodeText,
  documentFromFile,
  fileKind,
  jsonLines,
  parseArticleLine,
  parseHtml,
  parseText,
} from "../../src/articles/import.js";

const page = `<!doctype html><html><head><title> Talks resume &amp; stall </title>
<style>p { color: red }</style><script>document.write("<p>injected</p>")</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<header><h1>Talks resume</h1></header>
<article><p>The talks <a href="https://example.org/x">resumed</a> on Monday.</p>
<div>Both sides met in Moscow.<br>They met again on Tuesday.</div>
<blockquote>“We want peace,” he said.</blockquote></article>
<footer>© Example News</footer><script>track()</script></body></html>`;

describe("HTML files", () => {
  it("keeps paragraphs, drops scripts, styles, navigation and link targets", () => {
    const { title, body } = parseHtml(page);
    expect(title).toBe("Talks resume & stall");
    expect(body).toContain("The talks resumed on Monday.\n\nBoth sides met in Moscow.");
    expect(body).toContain("\n\n“We want peace,” he said.");
    for (const gone of ["injected", "color", "Home", "World", "example.org", "track()", "©", "["]) {
      expect(body).not.toContain(gone);
    }
  });

  it("takes the first <h1> when there is no <title>, and a typed title over both", () => {
    const html = "<h1>Only <em>a</em> heading</h1><h1>Second</h1><p>Text.</p>";
    expect(parseHtml(html).title).toBe("Only a heading");
    expect(documentFromFile("html", new TextEncoder().encode(html), "Typed").title).toBe("Typed");
  });
});

describe("text files", () => {
  it("uses the first non-empty line as title and the rest as body", () => {
    expect(parseText("\uFEFF\n  Title here  \r\nFirst para.\r\n\r\nSecond.")).toEqual({
      title: "Title here",
      body: "First para.\n\nSecond.",
    });
    expect(documentFromFile("text", new TextEncoder().encode("A\nB"), "Typed")).toEqual({
      title: "Typed",
      body: "A\nB",
    });
  });

  it("reads UTF-8, and Windows-1252 when the bytes are not UTF-8", () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x63, 0x61, 0x66, 0xc3, 0xa9]))).toBe("café");
    expect(decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x93, 0x78, 0x94]))).toBe("café “x”");
  });

  it("knows which files it can read", () => {
    expect(fileKind("a.TXT")).toBe("text");
    expect(fileKind("page.htm")).toBe("html");
    expect(fileKind("doc.pdf")).toBeUndefined();
    expect(fileKind("noextension")).toBeUndefined();
  });
});

describe("JSON Lines", () => {
  it("numbers lines from 1, skips blank ones and handles CRLF", () => {
    const bytes = new TextEncoder().encode('{"a":1}\r\n\n  \n{"b":"é"}');
    expect([...jsonLines(bytes)]).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"b":"é"}' },
    ]);
  });

  it("says why a line is not an article", () => {
    expect(parseArticleLine("{oops")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^not valid JSON: /),
    });
    expect(parseArticleLine("[1]")).toMatchObject({
      ok: false,
      message: expect.stringContaining("one JSON object"),
    });
    expect(parseArticleLine('{"title":"T"}')).toEqual({
      ok: false,
      message: "body: Paste the article text.",
    });
    const bad = parseArticleLine('{"title":"T","body":"B","url":"nope","publishedAt":"soon"}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toContain("url: Enter a full URL");
    expect(!bad.ok && bad.message).toContain("publishedAt: Enter the date as YYYY-MM-DD");
    const good = parseArticleLine('{"title":"T","body":"B","publishedAt":"2020-11-03"}');
    expect(good.ok && good.article.publishedAt?.toISOString()).toBe("2020-11-03T00:00:00.000Z");
  });
});
