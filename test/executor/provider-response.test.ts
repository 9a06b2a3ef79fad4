import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../services/executor/providers/errors.js';
import { postJson, readJson, readText } from '../../services/executor/providers/http.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A local server answering every POST with `answer`; returns its URL. */
async function serve(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat`;
}

const signal = () => new AbortController().signal;

describe('executor - provider HTTP response', () => {
  it('reads a body sent in several chunks, a character split between two of them, with its status and headers', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('x-note', ['one', 'two']);
      res.writeHead(200, { 'content-type': 'application/json', 'X-Ratelimit-Remaining-Requests': '7' });
      const bytes = Buffer.from('{"text":"né"}');
      const cut = bytes.indexOf(0xa9); // the second byte of é
      res.write(bytes.subarray(0, cut));
      setImmediate(() => res.end(bytes.subarray(cut)));
    });
    const s = signal();
    const response = await postJson(url, {}, { hello: 'world' }, s);
    expect([response.ok, response.status, response.statusText]).toEqual([true, 200, 'OK']);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('7');
    expect(response.headers.get('X-Note')).toBe('one, two');
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await readJson(response, s, 'fake')).toEqual({ text: 'né' });
  });

  it('refuses a second read of the same body, as fetch does', async () => {
    const url = await serve((_req, res) => res.writeHead(200).end('once'));
    const s = signal();
    const response = await postJson(url, {}, {}, s);
    expect(await response.text()).toBe('once');
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.body).toThrow(TypeError);
  });

  it('gives a streamed body as a web stream, made when asked for', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      setImmediate(() => res.end('data: 2\n\n'));
    });
    const response = await postJson(url, {}, {}, signal());
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
    expect(text).toBe('data: 1\n\ndata: 2\n\n');
  });

  it('has no body for a 204, and reads it as empty text', async () => {
    const url = await serve((_req, res) => res.writeHead(204).end());
    const response = await postJson(url, {}, {}, signal());
    expect([response.ok, response.status, response.body]).toEqual([true, 204, null]);
    expect(await response.text()).toBe('');
  });

  it('fails a body cut short by the connection as a connection error', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      setImmediate(() => res.socket!.destroy());
    });
    const s = signal();
    const response = await postJson(url, {}, {}, s);
    const error = await readText(response, s, 'fake').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('connection');
  });

  it('fails a body read when the call is aborted midway as aborted, and closes the connection', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
      res.on('close', () => closed());
    });
    const ctrl = new AbortController();
    const response = await postJson(url, {}, {}, ctrl.signal);
    const reading = readText(response, ctrl.signal, 'fake').catch((e: unknown) => e);
    ctrl.abort();
    const error = await reading;
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('aborted');
    await serverSawClose;
  });
});
