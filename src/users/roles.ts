/** The roles, apart from the rest of the user schema so that page scripts can name them too. */
export const roles = ["admin", "researcher", "annotator"] as const;
export type RoleName = (typeof roles)[number];
