// Typed lookups of elements the server-rendered markup guarantees, and small element builders.

type ElementClass<T extends Element> = abstract new (...args: never[]) => T;

/**
 * The element with `id`, checked to be of the expected kind. A missing or different element is a
 * mismatch between the view and its script: fail loudly at start, not on the user's first click.
 */
export function byId<T extends HTMLElement = HTMLElement>(
  id: string,
  kind: ElementClass<T> = HTMLElement as unknown as ElementClass<T>,
): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`#${id} is missing from the page or is not a ${kind.name}`);
  return element;
}

/** The first element under `root` matching `selector`, checked like byId. */
export function within<T extends Element = HTMLElement>(
  root: ParentNode,
  selector: string,
  kind: ElementClass<T> = HTMLElement as unknown as ElementClass<T>,
): T {
  const element = root.querySelector(selector);
  if (!(element instanceof kind))
    throw new Error(`${selector} is missing from the page or is not a ${kind.name}`);
  return element;
}

/** An element with optional text and class names. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** The closest element matching `selector` from an event's target, if the target is in an element. */
export function closestFrom(target: EventTarget | null, selector: string): HTMLElement | null {
  const start = target instanceof Element ? target : target instanceof Node ? target.parentElement : null;
  const found = start?.closest(selector);
  return found instanceof HTMLElement ? found : null;
}

/** The CSRF token the server put in <meta name="csrf-token">. */
export function pageCsrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
}
