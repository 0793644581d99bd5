// Reconnect delays: exponential with "full jitter" (a random delay between zero and
// the exponential bound), so a hub restart does not bring every dashboard back in
// the same millisecond. A floor keeps the very first retry from hammering.

export const BACKOFF_DEFAULTS = Object.freeze({ baseMs: 500, maxMs: 30_000, floorMs: 250 });

/** Upper bound of the delay before retry `attempt` (0-based): min(max, base·2^attempt). */
export function backoffCeiling(attempt, { baseMs, maxMs } = BACKOFF_DEFAULTS) {
  const exp = Math.min(attempt, 30); // 2^30 already dwarfs any sane maxMs
  return Math.min(maxMs, baseMs * 2 ** exp);
}

/**
 * Delay before retry `attempt`, in ms. `random` is injectable so tests are exact;
 * it must return a number in [0, 1).
 */
export function backoffDelay(attempt, options = BACKOFF_DEFAULTS, random = Math.random) {
  const { floorMs = 0 } = options;
  const ceiling = backoffCeiling(attempt, options);
  return Math.max(floorMs, Math.round(random() * ceiling));
}
