import type { FinishReason } from '../../shared/contracts/provider.js';

/** Anthropic Messages `stop_reason` → the neutral FinishReason. */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // 'pause_turn' (a long server-tool turn the caller may continue) and anything newer.
      return 'other';
  }
}
