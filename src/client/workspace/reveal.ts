// Scrolling that moves one column only. Element.scrollIntoView scrolls every scrolling ancestor (and
// the window); the workspace's rule is that nothing done in the side moves the article text, so the
// side (claim form, claim list, suggestions, panels) is scrolled here, by itself. On narrow screens
// the side is no column of its own but comes after the text, and the page scrolls as a whole: there
// only what must be seen (the form, the answer to a save) brings the page to it.

/** Whether `container` is a scrolling box (overflow auto or scroll), whatever its content now. */
function isScroller(container: HTMLElement): boolean {
  const overflow = getComputedStyle(container).overflowY;
  return overflow === "auto" || overflow === "scroll";
}

/**
 * Scrolls `container` alone so that `element` is in its view (below its scroll-padding-top): by the
 * least distance, and to the element's top when it is taller than the view. Nothing happens when it
 * is in view already, or when it is taller than the view and its top is in view.
 */
export function revealIn(container: HTMLElement, element: Element): void {
  if (!isScroller(container) || container.scrollHeight <= container.clientHeight) return;
  if (!container.contains(element)) return;
  const box = container.getBoundingClientRect();
  const edge = box.top + container.clientTop;
  const bottom = edge + container.clientHeight;
  // Below what sticks at the top (the form's bar), as the container's scroll-padding says.
  const top = edge + (parseFloat(getComputedStyle(container).scrollPaddingTop) || 0);
  const rect = element.getBoundingClientRect();
  if (rect.top < top) container.scrollTop -= top - rect.top;
  else if (rect.bottom > bottom && (rect.top >= bottom || rect.height <= bottom - top))
    container.scrollTop += Math.min(rect.bottom - bottom, rect.top - top);
}

/**
 * Reveals `element` in the side column (in a scrolling `list` inside it first, if given). Where the
 * side is no scrolling column (narrow screens), the page scrolls to it only when `orPage` says so.
 */
export function revealInSide(
  element: Element,
  { list, orPage = false }: { list?: HTMLElement; orPage?: boolean } = {},
): void {
  if (list) revealIn(list, element);
  const side = document.getElementById("ws-side");
  if (side && isScroller(side)) revealIn(side, element);
  else if (orPage) element.scrollIntoView({ block: "nearest" });
}
