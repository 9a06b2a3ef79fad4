/**
 * What Bedrock's Converse API would reject in a request body (the model id travels in the
 * path): unknown members, a conversation that does not start with the user or whose roles do
 * not alternate, empty or blank content, content blocks with other than exactly one member,
 * images that are not base64 bytes of a known format, tool results that answer no earlier tool
 * use, tool blocks without a toolConfig, and malformed inference, tool and output settings.
 */
import { isRecord } from './provider-fake.js';

const TOP_LEVEL = new Set([
  'messages', 'system', 'inferenceConfig', 'toolConfig', 'guardrailConfig', 'additionalModelRequestFields', 'promptVariables',
  'additionalModelResponseFieldPaths', 'requestMetadata', 'performanceConfig', 'serviceTier', 'outputConfig',
]);
const BLOCK_MEMBERS = new Set(['text', 'image', 'document', 'video', 'toolUse', 'toolResult', 'guardContent', 'cachePoint', 'reasoningContent', 'citationsContent']);
const SYSTEM_MEMBERS = new Set(['text', 'guardContent', 'cachePoint']);
const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function checkConverseBody(body: unknown): string[] {
  const problems: string[] = [];
  const problem = (text: string): void => void problems.push(text);
  if (!isRecord(body)) return ['body is not a JSON object'];
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) problem(`unknown member ${key}`);
  if (body.system !== undefined) {
    if (!Array.isArray(body.system)) problem('system must be an array');
    else body.system.forEach((b: unknown, i) => {
      if (!isRecord(b) || Object.keys(b).length !== 1 || !SYSTEM_MEMBERS.has(Object.keys(b)[0] as string)) problem(`system[${i}] must have exactly one of text, guardContent, cachePoint`);
      else if (b.text !== undefined && (typeof b.text !== 'string' || b.text.trim() === '')) problem(`system[${i}].text is blank`);
    });
  }
  const usesTools = checkMessages(body.messages, problem);
  if (usesTools && body.toolConfig === undefined) problem('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
  checkInference(body.inferenceConfig, problem);
  checkToolConfig(body.toolConfig, problem);
  checkOutputConfig(body.outputConfig, problem);
  return problems;
}

/** Returns whether the conversation holds tool blocks. */
function checkMessages(messages: unknown, problem: (text: string) => void): boolean {
  if (!Array.isArray(messages) || messages.length === 0) {
    problem('messages must be a non-empty array');
    return false;
  }
  const toolUseIds = new Set<string>();
  let usesTools = false;
  let previous: unknown;
  messages.forEach((m: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isRecord(m)) return problem(`${at} is not an object`);
    for (const key of Object.keys(m)) if (key !== 'role' && key !== 'content') problem(`${at}: unknown member ${key}`);
    if (m.role !== 'user' && m.role !== 'assistant') problem(`${at}.role must be user or assistant`);
    if (i === 0 && m.role !== 'user') problem('A conversation must start with a user message.');
    if (m.role === previous) problem('A conversation must alternate between user and assistant roles.');
    previous = m.role;
    if (!Array.isArray(m.content) || m.content.length === 0) return problem(`${at}.content must be a non-empty array`);
    m.content.forEach((block: unknown, j) => {
      const where = `${at}.content[${j}]`;
      const keys = isRecord(block) ? Object.keys(block) : [];
      if (!isRecord(block) || keys.length !== 1 || !BLOCK_MEMBERS.has(keys[0] as string)) return problem(`${where} must have exactly one content member`);
      if (block.text !== undefined && (typeof block.text !== 'string' || block.text.trim() === '')) problem(`The text field in the ContentBlock object at ${where} is blank.`);
      if (block.image !== undefined) checkImage(block.image, where, problem);
      if (block.toolUse !== undefined) {
        usesTools = true;
        const use = block.toolUse;
        if (m.role !== 'assistant') problem(`${where}: toolUse belongs in an assistant message`);
        if (!isRecord(use) || typeof use.toolUseId !== 'string' || typeof use.name !== 'string' || !isRecord(use.input)) problem(`${where}.toolUse must be {toolUseId, name, input: object}`);
        else toolUseIds.add(use.toolUseId);
      }
      if (block.toolResult !== undefined) {
        usesTools = true;
        const result = block.toolResult;
        if (m.role !== 'user') problem(`${where}: toolResult belongs in a user message`);
        if (!isRecord(result) || typeof result.toolUseId !== 'string' || !Array.isArray(result.content)) return problem(`${where}.toolResult must be {toolUseId, content: [...]}`);
        if (!toolUseIds.has(result.toolUseId)) problem(`${where}.toolResult answers no earlier toolUse`);
        if (result.status !== undefined && result.status !== 'success' && result.status !== 'error') problem(`${where}.toolResult.status must be success or error`);
        result.content.forEach((c: unknown, k) => {
          if (!isRecord(c) || Object.keys(c).length !== 1 || !['text', 'json', 'image', 'document', 'video'].includes(Object.keys(c)[0] as string)) problem(`${where}.toolResult.content[${k}] must have one of text, json, image, document, video`);
        });
      }
    });
  });
  return usesTools;
}

function checkImage(image: unknown, where: string, problem: (text: string) => void): void {
  if (!isRecord(image) || !IMAGE_FORMATS.has(String(image.format))) return problem(`${where}.image.format must be png, jpeg, gif or webp`);
  const source = isRecord(image.source) ? image.source : {};
  if (typeof source.bytes !== 'string' || !BASE64.test(source.bytes)) problem(`${where}.image.source.bytes must be base64`);
}

function checkInference(config: unknown, problem: (text: string) => void): void {
  if (config === undefined) return;
  if (!isRecord(config)) return problem('inferenceConfig must be an object');
  for (const key of Object.keys(config)) if (!['maxTokens', 'temperature', 'topP', 'stopSequences'].includes(key)) problem(`inferenceConfig: unknown member ${key}`);
  if (config.maxTokens !== undefined && !(Number.isInteger(config.maxTokens) && (config.maxTokens as number) >= 1)) problem('inferenceConfig.maxTokens must be an integer >= 1');
  if (config.temperature !== undefined && !(typeof config.temperature === 'number' && config.temperature >= 0 && config.temperature <= 1)) problem('inferenceConfig.temperature must be in [0, 1]');
}

function checkToolConfig(config: unknown, problem: (text: string) => void): void {
  if (config === undefined) return;
  if (!isRecord(config) || !Array.isArray(config.tools) || config.tools.length === 0) return problem('toolConfig.tools must be a non-empty array');
  config.tools.forEach((t: unknown, i) => {
    const spec = isRecord(t) && isRecord(t.toolSpec) ? t.toolSpec : undefined;
    if (spec === undefined) return problem(`toolConfig.tools[${i}] must be {toolSpec}`);
    if (typeof spec.name !== 'string' || !TOOL_NAME.test(spec.name)) problem(`toolConfig.tools[${i}].toolSpec.name is invalid`);
    if (!isRecord(spec.inputSchema) || !isRecord(spec.inputSchema.json)) problem(`toolConfig.tools[${i}].toolSpec.inputSchema must be {json: object}`);
  });
  const choice = config.toolChoice;
  if (choice === undefined) return;
  const keys = isRecord(choice) ? Object.keys(choice) : [];
  if (!isRecord(choice) || keys.length !== 1 || !['auto', 'any', 'tool'].includes(keys[0] as string)) return problem('toolConfig.toolChoice must have exactly one of auto, any, tool');
  if (choice.tool !== undefined && !(isRecord(choice.tool) && typeof choice.tool.name === 'string')) problem('toolConfig.toolChoice.tool must be {name}');
}

function checkOutputConfig(config: unknown, problem: (text: string) => void): void {
  if (config === undefined) return;
  const format = isRecord(config) && isRecord(config.textFormat) ? config.textFormat : undefined;
  if (format === undefined) return problem('outputConfig.textFormat must be an object');
  if (format.type !== 'json_schema') problem('outputConfig.textFormat.type must be json_schema');
  const spec = isRecord(format.structure) && isRecord(format.structure.jsonSchema) ? format.structure.jsonSchema : undefined;
  if (spec === undefined || typeof spec.schema !== 'string') return problem('outputConfig.textFormat.structure.jsonSchema.schema must be a JSON string');
  try {
    if (!isRecord(JSON.parse(spec.schema))) problem('outputConfig.textFormat.structure.jsonSchema.schema is not a JSON object');
  } catch {
    problem('outputConfig.textFormat.structure.jsonSchema.schema is not valid JSON');
  }
}
