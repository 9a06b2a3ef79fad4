from switchyard.v1 import chat_pb2 as _chat_pb2
from switchyard.v1 import routing_pb2 as _routing_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
RECORD_SOURCE_DECIDE: RecordSource
RECORD_SOURCE_EXECUTE: RecordSource
RECORD_SOURCE_EXECUTE_STREAM: RecordSource
RECORD_SOURCE_UNSPECIFIED: RecordSource

class DecisionLogEntry(_message.Message):
    __slots__ = ["feedback", "record", "reported_outcome"]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    REPORTED_OUTCOME_FIELD_NUMBER: _ClassVar[int]
    feedback: Feedback
    record: DecisionRecord
    reported_outcome: ReportedOutcome
    def __init__(self, record: _Optional[_Union[DecisionRecord, _Mapping]] = ..., feedback: _Optional[_Union[Feedback, _Mapping]] = ..., reported_outcome: _Optional[_Union[ReportedOutcome, _Mapping]] = ...) -> None: ...

class DecisionRecord(_message.Message):
    __slots__ = ["candidates", "config_hash", "decision_id", "decision_time_ns", "fallbacks", "features", "labels", "matched_rules", "model", "outcome", "plan", "policy", "prompt", "prompt_hash", "reason", "router_model", "source", "time_unix_ms", "version"]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    CONFIG_HASH_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    FALLBACKS_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    MATCHED_RULES_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_HASH_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ROUTER_MODEL_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[RecordCandidate]
    config_hash: str
    decision_id: str
    decision_time_ns: int
    fallbacks: _containers.RepeatedScalarFieldContainer[str]
    features: RecordFeatures
    labels: _routing_pb2.Labels
    matched_rules: _containers.RepeatedScalarFieldContainer[str]
    model: str
    outcome: RecordOutcome
    plan: _routing_pb2.StrategyPlan
    policy: str
    prompt: _containers.RepeatedCompositeFieldContainer[RecordMessage]
    prompt_hash: str
    reason: str
    router_model: str
    source: RecordSource
    time_unix_ms: int
    version: int
    def __init__(self, version: _Optional[int] = ..., decision_id: _Optional[str] = ..., time_unix_ms: _Optional[int] = ..., source: _Optional[_Union[RecordSource, str]] = ..., labels: _Optional[_Union[_routing_pb2.Labels, _Mapping]] = ..., policy: _Optional[str] = ..., matched_rules: _Optional[_Iterable[str]] = ..., config_hash: _Optional[str] = ..., router_model: _Optional[str] = ..., features: _Optional[_Union[RecordFeatures, _Mapping]] = ..., candidates: _Optional[_Iterable[_Union[RecordCandidate, _Mapping]]] = ..., model: _Optional[str] = ..., fallbacks: _Optional[_Iterable[str]] = ..., plan: _Optional[_Union[_routing_pb2.StrategyPlan, _Mapping]] = ..., reason: _Optional[str] = ..., decision_time_ns: _Optional[int] = ..., prompt_hash: _Optional[str] = ..., prompt: _Optional[_Iterable[_Union[RecordMessage, _Mapping]]] = ..., outcome: _Optional[_Union[RecordOutcome, _Mapping]] = ...) -> None: ...

class DecisionView(_message.Message):
    __slots__ = ["feedback", "record", "reported_outcome"]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    REPORTED_OUTCOME_FIELD_NUMBER: _ClassVar[int]
    feedback: _containers.RepeatedCompositeFieldContainer[Feedback]
    record: DecisionRecord
    reported_outcome: ReportedOutcome
    def __init__(self, record: _Optional[_Union[DecisionRecord, _Mapping]] = ..., feedback: _Optional[_Iterable[_Union[Feedback, _Mapping]]] = ..., reported_outcome: _Optional[_Union[ReportedOutcome, _Mapping]] = ...) -> None: ...

class Feedback(_message.Message):
    __slots__ = ["comment", "decision_id", "episode_id", "idempotency_key", "metric", "time_unix_ms", "value"]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    EPISODE_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    comment: str
    decision_id: str
    episode_id: str
    idempotency_key: str
    metric: str
    time_unix_ms: int
    value: float
    def __init__(self, decision_id: _Optional[str] = ..., episode_id: _Optional[str] = ..., metric: _Optional[str] = ..., value: _Optional[float] = ..., comment: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., time_unix_ms: _Optional[int] = ...) -> None: ...

class RecordAttempt(_message.Message):
    __slots__ = ["cost_usd", "deployment", "error", "latency_ms", "model", "status", "step", "ttft_ms", "usage"]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    TTFT_MS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    cost_usd: float
    deployment: str
    error: str
    latency_ms: float
    model: str
    status: str
    step: str
    ttft_ms: float
    usage: _chat_pb2.Usage
    def __init__(self, model: _Optional[str] = ..., deployment: _Optional[str] = ..., step: _Optional[str] = ..., status: _Optional[str] = ..., error: _Optional[str] = ..., latency_ms: _Optional[float] = ..., ttft_ms: _Optional[float] = ..., usage: _Optional[_Union[_chat_pb2.Usage, _Mapping]] = ..., cost_usd: _Optional[float] = ...) -> None: ...

class RecordCandidate(_message.Message):
    __slots__ = ["choice_probability", "eligible", "estimated_cost_usd", "estimated_latency_ms", "excluded_reason", "model", "predicted_quality", "provider", "rank", "score"]
    CHOICE_PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    ELIGIBLE_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_COST_USD_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_REASON_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PREDICTED_QUALITY_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    choice_probability: float
    eligible: bool
    estimated_cost_usd: float
    estimated_latency_ms: float
    excluded_reason: str
    model: str
    predicted_quality: float
    provider: str
    rank: int
    score: float
    def __init__(self, model: _Optional[str] = ..., provider: _Optional[str] = ..., eligible: bool = ..., excluded_reason: _Optional[str] = ..., predicted_quality: _Optional[float] = ..., estimated_cost_usd: _Optional[float] = ..., estimated_latency_ms: _Optional[float] = ..., score: _Optional[float] = ..., rank: _Optional[int] = ..., choice_probability: _Optional[float] = ...) -> None: ...

class RecordCheck(_message.Message):
    __slots__ = ["model", "passed", "verdict"]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    model: str
    passed: bool
    verdict: str
    def __init__(self, model: _Optional[str] = ..., verdict: _Optional[str] = ..., passed: bool = ...) -> None: ...

class RecordFeatures(_message.Message):
    __slots__ = ["capabilities", "estimated_input_tokens", "expected_output_tokens", "image_count", "max_output_tokens", "message_count", "prompt_chars", "response_format", "script", "tool_count"]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    IMAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CHARS_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    TOOL_COUNT_FIELD_NUMBER: _ClassVar[int]
    capabilities: _containers.RepeatedScalarFieldContainer[_routing_pb2.Capability]
    estimated_input_tokens: int
    expected_output_tokens: int
    image_count: int
    max_output_tokens: int
    message_count: int
    prompt_chars: int
    response_format: _chat_pb2.ResponseFormatType
    script: str
    tool_count: int
    def __init__(self, estimated_input_tokens: _Optional[int] = ..., prompt_chars: _Optional[int] = ..., script: _Optional[str] = ..., message_count: _Optional[int] = ..., tool_count: _Optional[int] = ..., image_count: _Optional[int] = ..., response_format: _Optional[_Union[_chat_pb2.ResponseFormatType, str]] = ..., max_output_tokens: _Optional[int] = ..., capabilities: _Optional[_Iterable[_Union[_routing_pb2.Capability, str]]] = ..., expected_output_tokens: _Optional[int] = ...) -> None: ...

class RecordMessage(_message.Message):
    __slots__ = ["role", "text"]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    role: _chat_pb2.Role
    text: str
    def __init__(self, role: _Optional[_Union[_chat_pb2.Role, str]] = ..., text: _Optional[str] = ...) -> None: ...

class RecordOutcome(_message.Message):
    __slots__ = ["answer_text", "answered_by_chosen", "answered_model", "attempts", "checks", "cost_usd", "error_code", "escalations", "finish_reason", "latency_ms", "reference_cost_usd", "reference_model", "response_model", "system_fingerprint", "ttft_ms", "usage"]
    ANSWERED_BY_CHOSEN_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_MODEL_FIELD_NUMBER: _ClassVar[int]
    ANSWER_TEXT_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ESCALATIONS_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_COST_USD_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_MODEL_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_MODEL_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    TTFT_MS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    answer_text: str
    answered_by_chosen: bool
    answered_model: str
    attempts: _containers.RepeatedCompositeFieldContainer[RecordAttempt]
    checks: _containers.RepeatedCompositeFieldContainer[RecordCheck]
    cost_usd: float
    error_code: str
    escalations: int
    finish_reason: _chat_pb2.FinishReason
    latency_ms: float
    reference_cost_usd: float
    reference_model: str
    response_model: str
    system_fingerprint: str
    ttft_ms: float
    usage: _chat_pb2.Usage
    def __init__(self, attempts: _Optional[_Iterable[_Union[RecordAttempt, _Mapping]]] = ..., answered_model: _Optional[str] = ..., answered_by_chosen: bool = ..., response_model: _Optional[str] = ..., system_fingerprint: _Optional[str] = ..., finish_reason: _Optional[_Union[_chat_pb2.FinishReason, str]] = ..., error_code: _Optional[str] = ..., usage: _Optional[_Union[_chat_pb2.Usage, _Mapping]] = ..., cost_usd: _Optional[float] = ..., reference_model: _Optional[str] = ..., reference_cost_usd: _Optional[float] = ..., latency_ms: _Optional[float] = ..., ttft_ms: _Optional[float] = ..., checks: _Optional[_Iterable[_Union[RecordCheck, _Mapping]]] = ..., escalations: _Optional[int] = ..., answer_text: _Optional[str] = ...) -> None: ...

class ReportedOutcome(_message.Message):
    __slots__ = ["cost_usd", "decision_id", "error_code", "finish_reason", "latency_ms", "model", "response_model", "time_unix_ms", "usage"]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_MODEL_FIELD_NUMBER: _ClassVar[int]
    TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    cost_usd: float
    decision_id: str
    error_code: str
    finish_reason: _chat_pb2.FinishReason
    latency_ms: float
    model: str
    response_model: str
    time_unix_ms: int
    usage: _chat_pb2.Usage
    def __init__(self, decision_id: _Optional[str] = ..., model: _Optional[str] = ..., usage: _Optional[_Union[_chat_pb2.Usage, _Mapping]] = ..., latency_ms: _Optional[float] = ..., error_code: _Optional[str] = ..., response_model: _Optional[str] = ..., finish_reason: _Optional[_Union[_chat_pb2.FinishReason, str]] = ..., time_unix_ms: _Optional[int] = ..., cost_usd: _Optional[float] = ...) -> None: ...

class RecordSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
