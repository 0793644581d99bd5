import { useEffect, useState } from 'react';

/** The current time, refreshed every `everyMs` (for "3 s ago" and countdowns). */
export function useNow(everyMs = 1000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
