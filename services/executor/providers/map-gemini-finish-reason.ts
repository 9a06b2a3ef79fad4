import type { FinishReason } from '../../shared/contracts/provider.js';

/**
 * Gemini `finishReason` → the neutral FinishReason. Gemini ends a turn that calls functions
 * with STOP, so the caller says whether the candidate holds function calls.
 */
export function mapGeminiFinishReason(finishReason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  switch (finishReason) {
    case 'STOP':
      return hasToolCalls ? 'tool_calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return 'content_filter';
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
      return 'error';
    default:
      // OTHER, LANGUAGE, FINISH_REASON_UNSPECIFIED, NO_IMAGE, IMAGE_OTHER and anything newer.
      return 'other';
  }
}
