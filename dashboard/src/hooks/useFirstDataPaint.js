import { useEffect, useRef, useState } from 'react';

/**
 * "First data painted": marked once on the Performance timeline when the live series
 * first reaches the charts (after their draw, at the next frame), so the end-to-end test
 * and the benchmark read it. Returns true from the task after that frame: what the first
 * screen does not need (the v2 charts below CPU and memory) waits for it, so a v2 VM's
 * first paint costs no more than a v1 VM's.
 */
export function useFirstDataPaint(hasData) {
  const marked = useRef(false);
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    if (marked.current || !hasData) return;
    marked.current = true;
    performance.mark('vmpulse:first-data-commit');
    requestAnimationFrame(() => {
      performance.mark('vmpulse:first-data');
      // rAF runs before the frame is painted; a task queued from it runs after.
      setTimeout(() => setPainted(true), 0);
    });
  }, [hasData]);
  return painted;
}
