/** Builders of requests in the shape the gRPC server hands to handlers (defaults filled). */
import type { DecideRequest__Output } from '../../services/generated/switchyard/v1/DecideRequest.js';
import type { Message__Output } from '../../services/generated/switchyard/v1/Message.js';
import type { Requirements__Output } from '../../services/generated/switchyard/v1/Requirements.js';
import type { Preferences__Output } from '../../services/generated/switchyard/v1/Preferences.js';
import type { Labels__Output } from '../../services/generated/switchyard/v1/Labels.js';

export function userMessage(text: string): Message__Output {
  return { role: 'ROLE_USER', content: [{ text, part: 'text' }], toolCalls: [], toolCallId: '', name: '' };
}

export function message(role: Message__Output['role'], text: string): Message__Output {
  return { ...userMessage(text), role };
}

export interface RequestOptions {
  messages?: Message__Output[];
  requirements?: Partial<Requirements__Output>;
  preferences?: Partial<Preferences__Output>;
  labels?: Partial<Labels__Output>;
  policy?: string;
  maxOutputTokens?: number;
  tools?: DecideRequest__Output['tools'];
  responseFormat?: DecideRequest__Output['responseFormat'];
  strategy?: DecideRequest__Output['strategy'];
  model?: string;
}

export function decideRequest(text: string, o: RequestOptions = {}): DecideRequest__Output {
  return {
    messages: o.messages ?? [userMessage(text)],
    tools: o.tools ?? [],
    responseFormat: o.responseFormat ?? null,
    maxOutputTokens: o.maxOutputTokens ?? 0,
    requirements: {
      capabilities: [],
      minContextTokens: 0,
      regions: [],
      languages: [],
      allowModels: [],
      denyModels: [],
      pinModel: '',
      ...o.requirements,
    },
    preferences: o.preferences ? ({ ...o.preferences } as Preferences__Output) : null,
    policy: o.policy ?? '',
    model: o.model ?? '',
    labels: { tenant: '', userTier: '', task: '', session: '', extra: {}, ...o.labels },
    strategy: o.strategy ?? 'STRATEGY_UNSPECIFIED',
  };
}
