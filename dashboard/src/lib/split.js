// The split between the two ingest routes. The hub sends counts; shares are derived
// here so a dashboard never shows shares that disagree with its own counts.

/** {cpp, nodejs, total} from the hub (any field may be missing) → normalized counts and shares. */
export function normalizeSplit(split) {
  const count = (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
  const cpp = count(split?.cpp);
  const nodejs = count(split?.nodejs);
  // total may include rows from other routes (none today); never less than the parts.
  const total = Math.max(count(split?.total), cpp + nodejs);
  return {
    cpp,
    nodejs,
    total,
    shares: {
      cpp: total > 0 ? cpp / total : 0,
      nodejs: total > 0 ? nodejs / total : 0,
    },
  };
}
