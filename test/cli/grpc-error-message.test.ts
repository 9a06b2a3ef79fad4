/** How the CLI words a failed call: one line a person can act on, without grpc-js's empty notes. */
import { Metadata, status } from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { grpcErrorMessage } from '../../services/cli/command-io.js';

const refused = {
  code: status.UNAVAILABLE,
  details: 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:50051. Resolution note: ',
  metadata: new Metadata(),
};

it('a server that is not there: says so, and drops the empty resolution note', async () => {
  const m = await grpcErrorMessage(refused, '127.0.0.1:50051', async () => false);
  expect(m).toBe('no Switchyard server at 127.0.0.1:50051 (is `switchyard serve` running there?): No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:50051.');
});

it('a server that is up but could not answer: says it is up', async () => {
  const m = await grpcErrorMessage({ ...refused, details: 'upstream gone' }, '127.0.0.1:50051', async () => true);
  expect(m).toBe('Switchyard at 127.0.0.1:50051 is up, but could not answer: upstream gone');
});
