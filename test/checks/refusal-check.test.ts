import { describe, expect, it } from 'vitest';
import { RefusalCheck } from '../../services/router/execute/checks/refusal-check.js';
import { ctx, input, toolCall } from './support.js';

const check = new RefusalCheck();
const verdict = (text: string, more = {}) => check.run(input(text, more), ctx());

describe('refusal - short refusals fail', () => {
  it.each([
    "I'm sorry, but I can't help with that.",
    "I'm sorry, but I can't help with that request. If you have any other questions, feel free to ask!",
    'I cannot assist with creating malware or any software designed to harm computer systems.',
    "As an AI language model, I don't have personal opinions, and I'm unable to take sides on this.",
    "I won't be able to write that essay for you, since submitting it as your own work would violate your school's honor code.",
    'I apologize, but I cannot provide instructions for picking a lock that is not yours. Is there anything else I can help with?',
    'Unfortunately, that request goes against my guidelines. I must decline.',
    'I’m unable to help with that.', // typographic apostrophe
  ])('%s', async (text) => {
    const v = await verdict(text);
    expect(v.pass, v.detail).toBe(false);
    expect(v.check).toBe('refusal');
    expect(v.detail).toMatch(/refusal phrase ".+"/);
  });

  it('a content filter stop is a refusal', async () => {
    const v = await verdict('', { finishReason: 'content_filter' });
    expect(v).toMatchObject({ pass: false, detail: expect.stringMatching(/content filter/) });
  });

  it('the detail names the phrase but never quotes the answer', async () => {
    const v = await verdict("I'm sorry, but I can't help with planning the surprise for Katarina.");
    expect(v.detail).toContain("\"I'm sorry, but I can't\"");
    expect(v.detail).not.toContain('Katarina');
  });
});

describe('refusal - helpful answers pass', () => {
  it('a long answer that mentions "I can\'t" inside', async () => {
    const text = [
      'To reset a forgotten password on a Linux machine, reboot and hold Shift to open the GRUB menu.',
      'Choose "Advanced options", then the recovery mode entry, and pick "root" to drop to a root shell.',
      'Remount the filesystem read-write with `mount -o remount,rw /`, then run `passwd alice` and type the new password twice.',
      "If the system says I can't write to /etc/shadow, the remount did not work; run it again and check `mount | grep ' / '`.",
      "Users often report \"I'm unable to log in after the reset\": that usually means the keyring still holds the old password.",
      'Finally, type `reboot`, log in with the new password, and update the keyring password when the desktop asks for it.',
    ].join(' ');
    const v = await verdict(text);
    expect(v.pass, v.detail).toBe(true);
  });

  it('a caveat followed by the answer', async () => {
    const v = await verdict("I'm unable to browse the internet, but as of my training data the capital of Australia is Canberra, chosen in 1908 as a compromise between Sydney and Melbourne.");
    expect(v.pass, v.detail).toBe(true);
    expect(v.detail).toMatch(/^refusal phrase "I'm unable to": 2\d% of \d+ counted words .*not a refusal/);
  });

  it("an 'I'm unable to' caveat inside a full answer", async () => {
    const text =
      "I'm unable to run the code myself, but here is what happens. The loop appends to `items` while iterating over it, so it never ends. " +
      'Iterate over a copy instead: `for x in list(items):`. That also keeps the original order, which the test expects.';
    expect((await verdict(text)).pass).toBe(true);
  });

  it('a refusal that the answer quotes, e.g. a polite decline email', async () => {
    const text = 'You could write: "I\'m sorry, but I can\'t attend the meeting on Friday. Could we move it to Monday?"';
    expect((await verdict(text)).pass).toBe(true);
  });

  it('a refusal inside a code block', async () => {
    const text = 'Raise a clear error:\n```python\nraise PermissionError("I cannot assist with that operation")\n```';
    expect((await verdict(text)).pass).toBe(true);
  });

  it('tool calls', async () => {
    const v = await verdict("I can't help with that directly; let me look it up.", { toolCalls: [toolCall('search', '{"q":"x"}')], finishReason: 'tool_calls' });
    expect(v.pass).toBe(true);
  });
});
