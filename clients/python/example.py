"""Asks Switchyard which model it would route a prompt to, then runs the prompt, once as a
single call and once streamed.

    python3 example.py [ADDRESS] [--prompt TEXT]     (with the package installed: see README.md)

ADDRESS defaults to $SWITCHYARD_ADDR, then 127.0.0.1:50051.
"""
import argparse
import os
import sys

import grpc

from switchyard.v1 import chat_pb2, router_service_pb2 as pb, router_service_pb2_grpc

DEFAULT_PROMPT = "Explain in two sentences why the sky is blue."
TIMEOUT_S = 60


def request(prompt: str) -> pb.ExecuteRequest:
    message = chat_pb2.Message(role=chat_pb2.ROLE_USER, content=[chat_pb2.ContentPart(text=prompt)])
    return pb.ExecuteRequest(messages=[message])


def print_decision(d: pb.DecideResponse) -> None:
    print(f"model:     {d.model}")
    print(f"fallbacks: {', '.join(d.fallbacks) or '(none)'}")
    print(f"reason:    {d.reason}")
    print("candidates:")
    print(f"  {'model':<24} {'eligible':<8} {'quality':>7} {'est. cost':>10} {'score':>6}  excluded because")
    for c in sorted(d.candidates, key=lambda c: (c.rank == 0, c.rank, -c.score)):
        eligible = "yes" if c.eligible else "no"
        cost = f"${c.estimated_cost_usd:.6f}"
        print(f"  {c.model:<24} {eligible:<8} {c.predicted_quality:>7.3f} {cost:>10} {c.score:>6.3f}  "
              f"{c.excluded_reason}".rstrip())


def print_result(r: pb.ExecuteResponse, with_answer: bool = True) -> None:
    if with_answer:
        print(f"answer:    {r.message.text}")
    print(f"model:     {r.model}")
    print(f"cost:      ${r.cost_usd:.7f}")
    print(f"tokens:    {r.usage.input_tokens} in, {r.usage.output_tokens} out")
    print("attempts:")
    for i, a in enumerate(r.attempts, 1):
        outcome = pb.AttemptOutcome.Name(a.outcome).removeprefix("ATTEMPT_OUTCOME_").lower()
        error = f"  {a.error}" if a.error else ""
        print(f"  {i}. {a.model} ({a.step}) {outcome} in {a.latency_ms:.0f} ms{error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("address", nargs="?", default=os.environ.get("SWITCHYARD_ADDR", "127.0.0.1:50051"))
    parser.add_argument("--prompt", default=DEFAULT_PROMPT)
    args = parser.parse_args()

    with grpc.insecure_channel(args.address) as channel:
        router = router_service_pb2_grpc.RouterServiceStub(channel)
        req = request(args.prompt)
        try:
            print("== Decide")
            decide_req = pb.DecideRequest(messages=req.messages)
            print_decision(router.Decide(decide_req, timeout=TIMEOUT_S))

            print("== Execute")
            print_result(router.Execute(req, timeout=TIMEOUT_S))

            print("== ExecuteStream")
            stream_req = pb.ExecuteStreamRequest(request=req)
            for event in router.ExecuteStream(stream_req, timeout=TIMEOUT_S):
                kind = event.WhichOneof("event")
                if kind == "decision":
                    print(f"routed to: {event.decision.model}")
                    print("stream:    ", end="")
                elif kind == "text_delta":
                    print(event.text_delta, end="", flush=True)
                elif kind == "done":
                    print()
                    print_result(event.done, with_answer=False)
        except grpc.RpcError as err:
            print(f"\nswitchyard: {err.code().name}: {err.details()}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
