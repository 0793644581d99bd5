import { useEffect, useRef, useState } from 'react';
import { SILENCE_CHOICES, MAX_COMMENT_BYTES, silenceRequest } from '../lib/alerts.js';
import { formatDateTime } from '../lib/format.js';
import { horaToMs } from '../lib/time.js';

/**
 * Silence one VM: 30 min, 2 h, 1 day or until a time, with a comment; or, when a
 * silence names exactly this VM, remove it. A modal <dialog>: focus moves into it,
 * Escape closes it, and focus goes back to the button that opened it.
 */
export default function SilenceDialog({ vm, mark, onSilence, onUnsilence, onClose }) {
  const ref = useRef(null);
  const [choice, setChoice] = useState('2h');
  const [untilLocal, setUntilLocal] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement;
    if (d && !d.open && typeof d.showModal === 'function') d.showModal();
    return () => opener?.focus?.();
  }, []);

  const finish = (result) => {
    setBusy(false);
    if (result.error) setError(result.error);
    else onClose();
  };
  const submit = async (e) => {
    e.preventDefault();
    const req = silenceRequest({ vm, choice, untilLocal, comment }, Date.now());
    if (req.error) {
      setError(req.error);
      return;
    }
    setBusy(true);
    setError(null);
    finish(await onSilence(req.body));
  };
  const remove = async () => {
    setBusy(true);
    setError(null);
    finish(await onUnsilence(vm));
  };

  return (
    <dialog
      ref={ref}
      className="silence-dialog"
      aria-labelledby="silence-title"
      data-testid="silence-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id="silence-title">Silence {vm}</h2>
        <p className="muted small">
          A silenced VM&apos;s alerts still show here but send no notification.
          {mark?.silence &&
            ` Silenced now by “${mark.silence.match}” until ${formatDateTime(horaToMs(mark.silence.until))}${
              mark.silence.comment ? ` (${mark.silence.comment})` : ''
            }.`}
        </p>
        <fieldset className="silence-choices">
          <legend>For how long</legend>
          {SILENCE_CHOICES.map((c) => (
            <label key={c.id} className="choice">
              <input
                type="radio"
                name="silence-for"
                value={c.id}
                checked={choice === c.id}
                onChange={() => setChoice(c.id)}
                data-testid={`silence-for-${c.id}`}
              />
              {c.label}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>Until (your local time)</span>
          <input
            type="datetime-local"
            value={untilLocal}
            disabled={choice !== 'until'}
            onChange={(e) => setUntilLocal(e.target.value)}
            data-testid="silence-until"
          />
        </label>
        <label className="field">
          <span>Comment</span>
          <input
            type="text"
            value={comment}
            maxLength={MAX_COMMENT_BYTES}
            placeholder="why, who (optional)"
            onChange={(e) => setComment(e.target.value)}
            data-testid="silence-comment"
          />
        </label>
        {error && (
          <p className="inline-error" role="alert" data-testid="silence-error">
            {error}
          </p>
        )}
        <div className="dialog-buttons">
          {mark?.exactSilence && (
            <button type="button" className="button" onClick={remove} disabled={busy} data-testid="unsilence-submit">
              Remove silence
            </button>
          )}
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="silence-submit">
            Silence
          </button>
        </div>
      </form>
    </dialog>
  );
}
