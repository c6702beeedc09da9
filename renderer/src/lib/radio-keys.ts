// Arrow keys in a group of radios move the focus only, as in a listbox: on the Start page a checked radio opens that
// system's form (it changes the route), so looking through the systems with the keyboard must not open each one.
// Space (or a click) then chooses the focused radio, as the browser does by itself.
import type { KeyboardEvent } from 'react';

const steps: Record<string, number> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };

/** The keydown handler for the element around the radios: moves the focus with the arrows, Home and End. */
export function moveRadioFocus(event: KeyboardEvent<HTMLElement>): void {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target;
  if (!(target instanceof HTMLInputElement) || target.type !== 'radio') return;
  const radios = [...event.currentTarget.querySelectorAll<HTMLInputElement>(`input[type="radio"][name="${CSS.escape(target.name)}"]`)].filter((r) => !r.disabled);
  const at = radios.indexOf(target);
  if (at < 0 || radios.length === 0) return;
  let next: number;
  if (event.key === 'Home') next = 0;
  else if (event.key === 'End') next = radios.length - 1;
  else if (event.key in steps) next = (at + (steps[event.key] ?? 0) + radios.length) % radios.length;
  else return;
  // The browser's own move would check the radio too; only the focus moves.
  event.preventDefault();
  radios[next]?.focus();
}
