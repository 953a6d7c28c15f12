import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { buttonDanger, buttonSecondary } from './ui';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The safe answer's label ("Cancel" unless that would read as the action itself). */
  cancelLabel?: string;
  busy?: boolean;
  onConfirm: () => void;
  /** Called on Cancel, Escape and a click on the backdrop; the caller unmounts the dialog. */
  onCancel: () => void;
  /** Where focus goes once the dialog is gone, asked then; null or absent: back to what had it before. */
  returnFocus?: () => HTMLElement | null;
}

const focusable =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Tab and Shift+Tab cycle through the dialog's controls. A modal <dialog> already makes the page
 * behind it inert, but the browser still lets Tab leave the document for its own toolbar.
 */
function keepFocusInside(event: KeyboardEvent<HTMLDialogElement>) {
  const controls = [...event.currentTarget.querySelectorAll<HTMLElement>(focusable)];
  const first = controls[0];
  const last = controls.at(-1);
  if (!first || !last) return;
  const active = document.activeElement;
  const inside = active instanceof Node && event.currentTarget.contains(active);
  if (event.shiftKey && (!inside || active === first)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (!inside || active === last)) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * A modal question on a native <dialog> opened with showModal(): the page behind is inert while it
 * is open. Focus starts on Cancel (the safe answer) and stays inside; Escape and a click on the
 * backdrop cancel; focus goes back to what had it before once the dialog is gone.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  cancelLabel = 'Cancel',
  busy,
  onConfirm,
  onCancel,
  returnFocus,
}: ConfirmDialogProps) {
  const titleId = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  // A click ends on the backdrop only if it also started there, not a text selection dragged out.
  const pressedOnBackdrop = useRef(false);
  const returnFocusRef = useRef(returnFocus);
  useEffect(() => {
    returnFocusRef.current = returnFocus;
  });
  // What had focus when the dialog first rendered (usually the button that opened it). Read here
  // rather than in the effect: StrictMode runs effects twice, the second time with focus on Cancel.
  const [opener] = useState(() =>
    document.activeElement instanceof HTMLElement ? document.activeElement : null,
  );
  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    cancelRef.current?.focus();
    return () => {
      // Still in the document only when StrictMode replays the effect; on a real unmount the
      // <dialog> has already left it, and the page behind is no longer inert.
      if (dialog?.isConnected) dialog.close();
      (returnFocusRef.current?.() ?? opener)?.focus();
    };
  }, [opener]);
  return (
    <dialog
      ref={dialogRef}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      // A <dialog> in the top layer still inherits from where it sits in the page (a table cell that
      // aligns right and does not wrap), hence text-left and whitespace-normal.
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg bg-white text-left whitespace-normal text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:bg-slate-900 dark:text-slate-100 dark:ring-1 dark:ring-slate-700"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          // Handled here rather than left to the browser's close request, which not every
          // environment makes (and which Chrome may skip for a repeated Escape).
          event.preventDefault();
          onCancel();
        } else if (event.key === 'Tab') {
          keepFocusInside(event);
        }
      }}
      // Any other close request (say, a phone's back gesture).
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
      onMouseDown={(event) => {
        pressedOnBackdrop.current = event.target === event.currentTarget;
      }}
      // The content fills the <dialog>, so a click on the <dialog> itself is on its backdrop.
      onClick={(event) => {
        if (pressedOnBackdrop.current && event.target === event.currentTarget) onCancel();
        pressedOnBackdrop.current = false;
      }}
    >
      <div className="p-5">
        <h2 id={titleId} className="text-base font-semibold break-words text-slate-900 dark:text-slate-100">
          {title}
        </h2>
        <div className="mt-2 text-sm text-slate-600 dark:text-slate-300">{children}</div>
        <div className="mt-5 flex justify-end gap-2">
          <button ref={cancelRef} type="button" className={buttonSecondary} onClick={onCancel}>
            {cancelLabel}
          </button>
          <button type="button" className={buttonDanger} disabled={busy} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </dialog>
  );
}
