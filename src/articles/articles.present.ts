interface ArticleRow {
  id: number;
  projectId: number;
  title: string;
  body: string;
  outlet: string;
  byline: string;
  url: string | null;
  publishedAt: Date | null;
  language: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  sentences: { start: number; end: number }[];
}

/** The article as the API gives it: vocabulary field names, sentences as code-point spans. */
export function presentArticle(article: ArticleRow) {
  return {
    id: article.id,
    projectId: article.projectId,
    title: article.title,
    outlet: article.outlet,
    byline: article.byline,
    url: article.url,
    publishedAt: article.publishedAt?.toISOString() ?? null,
    language: article.language,
    version: article.version,
    body: article.body,
    sentences: article.sentences.map(({ start, end }) => ({ start, end })),
    createdAt: article.createdAt.toISOString(),
    updatedAt: article.updatedAt.toISOString(),
  };
}

/** Where the API shows an article: the Location of an import. */
export function articleLocation(id: number): string {
  return `/api/v1/articles/${id}`;
}
