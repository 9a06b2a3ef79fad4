/** An AbortSignal for a server call: aborted when the caller cancels and at the call's deadline. */
import type * as grpc from '@grpc/grpc-js';

export interface CallSignal {
  signal: AbortSignal;
  /** The controller of `signal`, made for this call alone: whoever bounds the call further may abort it. */
  controller: AbortController;
  /** The call's deadline, epoch ms, when the caller set one. */
  deadline?: number;
  /** Detaches the listeners and the timer once the call is answered. */
  done(): void;
}

export function callSignal(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>): CallSignal {
  const ctrl = new AbortController();
  const onCancel = () => ctrl.abort(new DOMException('the caller cancelled the call', 'AbortError'));
  call.on('cancelled', onCancel);
  const d = call.getDeadline();
  const deadline = d instanceof Date ? d.getTime() : Number.isFinite(d) ? Number(d) : undefined;
  const timer =
    deadline !== undefined ? setTimeout(() => ctrl.abort(new DOMException('the call deadline passed', 'TimeoutError')), Math.max(0, deadline - Date.now())) : undefined;
  return {
    signal: ctrl.signal,
    controller: ctrl,
    ...(deadline !== undefined ? { deadline } : {}),
    done() {
      clearTimeout(timer);
      call.removeListener('cancelled', onCancel);
    },
  };
}
