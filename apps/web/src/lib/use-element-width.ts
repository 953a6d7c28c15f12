import { type RefObject, useLayoutEffect, useState } from 'react';

/**
 * The width `ref`'s element is shown at, in CSS px, followed as it changes (a turned phone, a
 * resized window). `fallback` until the element has been measured, and while it measures 0 (not
 * laid out, or inside a hidden element), so what is drawn at this width is never drawn at width 0.
 */
export function useElementWidth(ref: RefObject<Element | null>, fallback: number): number {
  const [measured, setMeasured] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setMeasured(element.getBoundingClientRect().width);
    // Before the first paint, so the first frame is already drawn at the right width.
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return measured > 0 ? measured : fallback;
}
