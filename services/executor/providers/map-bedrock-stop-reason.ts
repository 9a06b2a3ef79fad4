import type { FinishReason } from '../../shared/contracts/provider.js';

/** Bedrock Converse `stopReason` → the neutral FinishReason. */
export function mapBedrockStopReason(stopReason: string | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      // 'malformed_model_output', 'malformed_tool_use' and anything newer.
      return 'other';
  }
}
