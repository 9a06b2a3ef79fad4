/**
 * The segment a decision belongs to, wherever segments are kept (the decision record, the drift
 * monitor, shadow shares, a router model's corrections): the caller's `task` label, else the
 * name of the prompt's script.
 */
export function segmentKey(task: string | undefined, script: string | undefined): string {
  return task || script || 'default';
}
