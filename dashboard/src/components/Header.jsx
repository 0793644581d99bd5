import ConnectionBadge from './ConnectionBadge.jsx';
import { RANGES } from '../lib/history.js';

// Past this many VMs the picker holds only the chosen one: thousands of <option>s
// cost the first paint more than the whole machines table, which has the search.
export const PICKER_MAX = 500;

export default function Header({ vms, vm, onVm, range, onRange, conn, now, stale, hubLabel }) {
  return (
    <header className="topbar">
      <div className="brand">
        <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
          <rect width="32" height="32" rx="7" fill="#162033" />
          <path
            d="M4 18h6l3-8 5 14 3-6h7"
            fill="none"
            stroke="#38bdf8"
            strokeWidth="2.6"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
        <span className="brand-name">vmpulse</span>
        <span className="brand-hub" title="hub">
          {hubLabel}
        </span>
      </div>
      <div className="controls">
        <label className="vm-picker">
          <span className="sr-only">Virtual machine</span>
          <select
            data-testid="vm-picker"
            value={vm ?? ''}
            onChange={(e) => onVm(e.target.value)}
            disabled={vms.length === 0}
          >
            {vms.length === 0 && <option value="">no VMs yet</option>}
            {vm && (vms.length > PICKER_MAX || !vms.some((v) => v.vm === vm)) && <option value={vm}>{vm}</option>}
            {vms.length <= PICKER_MAX &&
              vms.map((v) => (
                <option key={v.vm} value={v.vm}>
                  {v.vm}
                </option>
              ))}
            {vms.length > PICKER_MAX && (
              <option value="" disabled>
                {vms.length.toLocaleString('en-US')} VMs: search them under Machines
              </option>
            )}
          </select>
        </label>
        <div className="segmented" role="tablist" aria-label="Time range">
          {RANGES.map((r) => (
            <button
              key={r.id}
              role="tab"
              aria-selected={range === r.id}
              className={range === r.id ? 'active' : ''}
              data-testid={`range-${r.id}`}
              onClick={() => onRange(r.id)}
            >
              {r.label}
            </button>
          ))}
        </div>
        <ConnectionBadge conn={conn} now={now} stale={stale} />
      </div>
    </header>
  );
}
