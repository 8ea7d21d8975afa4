// Guidelines are Markdown written by admins and read by everyone in the project, so they are
// rendered with raw HTML off (markdown-it escapes it) and markdown-it's link check, which refuses
// javascript:, vbscript:, file: and data: URLs. Links open in a new tab so that an annotator never
// leaves the workspace by following one.
import MarkdownIt from "markdown-it";

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const defaultLinkOpen =
  markdown.renderer.rules.link_open ??
  ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));

markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  const token = tokens[index]!;
  token.attrSet("target", "_blank");
  token.attrSet("rel", "noopener noreferrer");
  return defaultLinkOpen(tokens, index, options, env, self);
};

/** Safe HTML for a guidelines text. */
export function renderGuidelines(source: string): string {
  return markdown.render(source);
}
