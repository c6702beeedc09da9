// The Hub asks the person something during a start: a key's passphrase, a password, or a keyboard-interactive
// (2FA) round. One dialog at a time; "Later" puts it aside (it stays answerable from the banner until it times
// out). The answers live in this component only until they are sent.
import { useState } from 'react';
import type { Prompt } from '../../../shared/api.js';
import { Field } from '../components/field.js';
import { Modal } from '../components/modal.js';
import { errorMessage } from '../bridge/errors.js';
import { useHub } from '../state/hub-context.js';

export function PromptDialog({ prompt, onLater }: { prompt: Prompt; onLater: () => void }) {
  const { bridge, dispatch } = useHub();
  const [answers, setAnswers] = useState<string[]>(() => prompt.questions.map(() => ''));
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [sending, setSending] = useState(false);

  const send = () => {
    setSending(true);
    bridge.call('answerPrompt', { id: prompt.id, answers, remember }).then(
      () => dispatch({ type: 'event', event: { event: 'promptClosed', data: { id: prompt.id } }, at: Date.now() }),
      (e: unknown) => {
        setSending(false);
        setError(errorMessage(e));
      },
    );
  };

  return (
    <Modal title={prompt.title} onClose={onLater}>
      <form
        className="prompt-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!sending) send();
        }}
      >
        {prompt.instructions ? <p className="instructions">{prompt.instructions}</p> : null}
        {prompt.questions.map((question, index) => (
          <Field key={index} label={question.text.trim() || 'Answer'} error={index === prompt.questions.length - 1 ? error : undefined}>
            {(control) => (
              <input
                {...control}
                type={question.echo ? 'text' : 'password'}
                autoComplete={question.echo ? 'one-time-code' : 'current-password'}
                autoFocus={index === 0}
                value={answers[index] ?? ''}
                onChange={(e) => setAnswers((current) => current.map((a, i) => (i === index ? e.target.value : a)))}
              />
            )}
          </Field>
        ))}
        {prompt.canRemember ? (
          <Field label="Remember in the keychain" inline help="Stored in your operating system's keychain, never in a file.">
            {(control) => <input {...control} type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />}
          </Field>
        ) : null}
        <div className="form-actions">
          <button type="button" onClick={onLater}>
            Later
          </button>
          <button type="submit" className="primary" disabled={sending}>
            {sending ? 'Sending…' : 'Continue'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Waiting prompts: the first not put aside is shown; the others wait in the banner. */
export function Prompts() {
  const { state } = useHub();
  const [later, setLater] = useState<ReadonlySet<string>>(new Set());
  const shown = state.prompts.find((p) => !later.has(p.id));
  const waiting = state.prompts.filter((p) => later.has(p.id));
  return (
    <>
      {waiting.length > 0 ? (
        <div className="banner" role="status">
          hubtray is waiting for you: {waiting[0]?.title}
          {waiting.length > 1 ? ` and ${waiting.length - 1} more` : ''}.{' '}
          <button type="button" onClick={() => setLater(new Set())}>
            Answer
          </button>
        </div>
      ) : null}
      {shown ? <PromptDialog key={shown.id} prompt={shown} onLater={() => setLater((s) => new Set([...s, shown.id]))} /> : null}
    </>
  );
}
