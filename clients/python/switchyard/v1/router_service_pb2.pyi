from switchyard.v1 import chat_pb2 as _chat_pb2
from switchyard.v1 import decision_record_pb2 as _decision_record_pb2
from switchyard.v1 import routing_pb2 as _routing_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ATTEMPT_OUTCOME_FATAL_ERROR: AttemptOutcome
ATTEMPT_OUTCOME_REJECTED: AttemptOutcome
ATTEMPT_OUTCOME_RETRYABLE_ERROR: AttemptOutcome
ATTEMPT_OUTCOME_SKIPPED: AttemptOutcome
ATTEMPT_OUTCOME_SUCCESS: AttemptOutcome
ATTEMPT_OUTCOME_UNSPECIFIED: AttemptOutcome
CHECK_STATUS_FAILED: CheckStatus
CHECK_STATUS_PASSED: CheckStatus
CHECK_STATUS_UNSPECIFIED: CheckStatus
DESCRIPTOR: _descriptor.FileDescriptor
FEEDBACK_FILTER_UNSPECIFIED: FeedbackFilter
FEEDBACK_FILTER_WITH: FeedbackFilter
FEEDBACK_FILTER_WITHOUT: FeedbackFilter

class AssistantMessage(_message.Message):
    __slots__ = ["text", "tool_calls"]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    text: str
    tool_calls: _containers.RepeatedCompositeFieldContainer[_chat_pb2.ToolCall]
    def __init__(self, text: _Optional[str] = ..., tool_calls: _Optional[_Iterable[_Union[_chat_pb2.ToolCall, _Mapping]]] = ...) -> None: ...

class Attempt(_message.Message):
    __slots__ = ["check", "cost_usd", "deployment", "error", "latency_ms", "model", "outcome", "step", "usage"]
    CHECK_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    check: str
    cost_usd: float
    deployment: str
    error: str
    latency_ms: float
    model: str
    outcome: AttemptOutcome
    step: str
    usage: _chat_pb2.Usage
    def __init__(self, model: _Optional[str] = ..., deployment: _Optional[str] = ..., step: _Optional[str] = ..., outcome: _Optional[_Union[AttemptOutcome, str]] = ..., error: _Optional[str] = ..., latency_ms: _Optional[float] = ..., usage: _Optional[_Union[_chat_pb2.Usage, _Mapping]] = ..., cost_usd: _Optional[float] = ..., check: _Optional[str] = ...) -> None: ...

class DecideRequest(_message.Message):
    __slots__ = ["explain_top_k", "labels", "max_output_tokens", "messages", "model", "policy", "preferences", "requirements", "response_format", "strategy", "tools"]
    EXPLAIN_TOP_K_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    REQUIREMENTS_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    explain_top_k: int
    labels: _routing_pb2.Labels
    max_output_tokens: int
    messages: _containers.RepeatedCompositeFieldContainer[_chat_pb2.Message]
    model: str
    policy: str
    preferences: _routing_pb2.Preferences
    requirements: _routing_pb2.Requirements
    response_format: _chat_pb2.ResponseFormat
    strategy: _routing_pb2.Strategy
    tools: _containers.RepeatedCompositeFieldContainer[_chat_pb2.ToolDefinition]
    def __init__(self, messages: _Optional[_Iterable[_Union[_chat_pb2.Message, _Mapping]]] = ..., tools: _Optional[_Iterable[_Union[_chat_pb2.ToolDefinition, _Mapping]]] = ..., response_format: _Optional[_Union[_chat_pb2.ResponseFormat, _Mapping]] = ..., max_output_tokens: _Optional[int] = ..., requirements: _Optional[_Union[_routing_pb2.Requirements, _Mapping]] = ..., preferences: _Optional[_Union[_routing_pb2.Preferences, _Mapping]] = ..., policy: _Optional[str] = ..., labels: _Optional[_Union[_routing_pb2.Labels, _Mapping]] = ..., strategy: _Optional[_Union[_routing_pb2.Strategy, str]] = ..., model: _Optional[str] = ..., explain_top_k: _Optional[int] = ...) -> None: ...

class DecideResponse(_message.Message):
    __slots__ = ["candidates", "decision_id", "decision_time_ns", "fallbacks", "features", "matched_rules", "model", "plan", "policy", "reason", "router_model"]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    FALLBACKS_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    MATCHED_RULES_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ROUTER_MODEL_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[_routing_pb2.Candidate]
    decision_id: str
    decision_time_ns: int
    fallbacks: _containers.RepeatedScalarFieldContainer[str]
    features: _routing_pb2.PromptFeatures
    matched_rules: _containers.RepeatedScalarFieldContainer[str]
    model: str
    plan: _routing_pb2.StrategyPlan
    policy: str
    reason: str
    router_model: str
    def __init__(self, decision_id: _Optional[str] = ..., model: _Optional[str] = ..., fallbacks: _Optional[_Iterable[str]] = ..., candidates: _Optional[_Iterable[_Union[_routing_pb2.Candidate, _Mapping]]] = ..., reason: _Optional[str] = ..., plan: _Optional[_Union[_routing_pb2.StrategyPlan, _Mapping]] = ..., policy: _Optional[str] = ..., matched_rules: _Optional[_Iterable[str]] = ..., features: _Optional[_Union[_routing_pb2.PromptFeatures, _Mapping]] = ..., decision_time_ns: _Optional[int] = ..., router_model: _Optional[str] = ...) -> None: ...

class ExecuteRequest(_message.Message):
    __slots__ = ["explain_top_k", "labels", "max_output_tokens", "messages", "model", "policy", "preferences", "requirements", "response_format", "strategy", "temperature", "tools"]
    EXPLAIN_TOP_K_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    REQUIREMENTS_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    explain_top_k: int
    labels: _routing_pb2.Labels
    max_output_tokens: int
    messages: _containers.RepeatedCompositeFieldContainer[_chat_pb2.Message]
    model: str
    policy: str
    preferences: _routing_pb2.Preferences
    requirements: _routing_pb2.Requirements
    response_format: _chat_pb2.ResponseFormat
    strategy: _routing_pb2.Strategy
    temperature: float
    tools: _containers.RepeatedCompositeFieldContainer[_chat_pb2.ToolDefinition]
    def __init__(self, messages: _Optional[_Iterable[_Union[_chat_pb2.Message, _Mapping]]] = ..., tools: _Optional[_Iterable[_Union[_chat_pb2.ToolDefinition, _Mapping]]] = ..., response_format: _Optional[_Union[_chat_pb2.ResponseFormat, _Mapping]] = ..., max_output_tokens: _Optional[int] = ..., requirements: _Optional[_Union[_routing_pb2.Requirements, _Mapping]] = ..., preferences: _Optional[_Union[_routing_pb2.Preferences, _Mapping]] = ..., policy: _Optional[str] = ..., labels: _Optional[_Union[_routing_pb2.Labels, _Mapping]] = ..., strategy: _Optional[_Union[_routing_pb2.Strategy, str]] = ..., temperature: _Optional[float] = ..., model: _Optional[str] = ..., explain_top_k: _Optional[int] = ...) -> None: ...

class ExecuteResponse(_message.Message):
    __slots__ = ["attempts", "check_reason", "check_status", "cost_usd", "decision", "decision_id", "finish_reason", "message", "model", "response_model", "system_fingerprint", "usage"]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CHECK_REASON_FIELD_NUMBER: _ClassVar[int]
    CHECK_STATUS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_MODEL_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[Attempt]
    check_reason: str
    check_status: CheckStatus
    cost_usd: float
    decision: DecideResponse
    decision_id: str
    finish_reason: _chat_pb2.FinishReason
    message: AssistantMessage
    model: str
    response_model: str
    system_fingerprint: str
    usage: _chat_pb2.Usage
    def __init__(self, decision_id: _Optional[str] = ..., model: _Optional[str] = ..., message: _Optional[_Union[AssistantMessage, _Mapping]] = ..., finish_reason: _Optional[_Union[_chat_pb2.FinishReason, str]] = ..., usage: _Optional[_Union[_chat_pb2.Usage, _Mapping]] = ..., cost_usd: _Optional[float] = ..., attempts: _Optional[_Iterable[_Union[Attempt, _Mapping]]] = ..., decision: _Optional[_Union[DecideResponse, _Mapping]] = ..., response_model: _Optional[str] = ..., system_fingerprint: _Optional[str] = ..., check_status: _Optional[_Union[CheckStatus, str]] = ..., check_reason: _Optional[str] = ...) -> None: ...

class ExecuteStreamRequest(_message.Message):
    __slots__ = ["request"]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: ExecuteRequest
    def __init__(self, request: _Optional[_Union[ExecuteRequest, _Mapping]] = ...) -> None: ...

class ExecuteStreamResponse(_message.Message):
    __slots__ = ["decision", "done", "text_delta", "tool_call"]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    TEXT_DELTA_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_FIELD_NUMBER: _ClassVar[int]
    decision: DecideResponse
    done: ExecuteResponse
    text_delta: str
    tool_call: _chat_pb2.ToolCall
    def __init__(self, decision: _Optional[_Union[DecideResponse, _Mapping]] = ..., text_delta: _Optional[str] = ..., tool_call: _Optional[_Union[_chat_pb2.ToolCall, _Mapping]] = ..., done: _Optional[_Union[ExecuteResponse, _Mapping]] = ...) -> None: ...

class GetDecisionRequest(_message.Message):
    __slots__ = ["decision_id"]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    decision_id: str
    def __init__(self, decision_id: _Optional[str] = ...) -> None: ...

class GetDecisionResponse(_message.Message):
    __slots__ = ["decision"]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    decision: _decision_record_pb2.DecisionView
    def __init__(self, decision: _Optional[_Union[_decision_record_pb2.DecisionView, _Mapping]] = ...) -> None: ...

class ListDecisionsRequest(_message.Message):
    __slots__ = ["end_time_unix_ms", "feedback", "labels", "model", "page_size", "page_token", "policy", "segment", "start_time_unix_ms"]
    END_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    START_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    end_time_unix_ms: int
    feedback: FeedbackFilter
    labels: _routing_pb2.Labels
    model: str
    page_size: int
    page_token: str
    policy: str
    segment: str
    start_time_unix_ms: int
    def __init__(self, start_time_unix_ms: _Optional[int] = ..., end_time_unix_ms: _Optional[int] = ..., model: _Optional[str] = ..., policy: _Optional[str] = ..., labels: _Optional[_Union[_routing_pb2.Labels, _Mapping]] = ..., segment: _Optional[str] = ..., feedback: _Optional[_Union[FeedbackFilter, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDecisionsResponse(_message.Message):
    __slots__ = ["decisions", "next_page_token"]
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    decisions: _containers.RepeatedCompositeFieldContainer[_decision_record_pb2.DecisionView]
    next_page_token: str
    def __init__(self, decisions: _Optional[_Iterable[_Union[_decision_record_pb2.DecisionView, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListModelsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ["models"]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[ModelInfo]
    def __init__(self, models: _Optional[_Iterable[_Union[ModelInfo, _Mapping]]] = ...) -> None: ...

class ModelInfo(_message.Message):
    __slots__ = ["available", "capabilities", "context_window", "id", "languages", "max_output_tokens", "output_tokens_per_second", "prices", "provider", "quality_prior", "quality_prior_score", "quality_profile", "quality_source", "quality_tier", "regions", "requests_per_minute", "tokens_per_minute", "typical_ttft_ms", "unavailable_reason"]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_WINDOW_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    PRICES_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    QUALITY_PRIOR_FIELD_NUMBER: _ClassVar[int]
    QUALITY_PRIOR_SCORE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_PROFILE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_SOURCE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_TIER_FIELD_NUMBER: _ClassVar[int]
    REGIONS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    TOKENS_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    TYPICAL_TTFT_MS_FIELD_NUMBER: _ClassVar[int]
    UNAVAILABLE_REASON_FIELD_NUMBER: _ClassVar[int]
    available: bool
    capabilities: _containers.RepeatedScalarFieldContainer[_routing_pb2.Capability]
    context_window: int
    id: str
    languages: _containers.RepeatedScalarFieldContainer[str]
    max_output_tokens: int
    output_tokens_per_second: float
    prices: ModelPrices
    provider: str
    quality_prior: bool
    quality_prior_score: float
    quality_profile: str
    quality_source: str
    quality_tier: str
    regions: _containers.RepeatedScalarFieldContainer[str]
    requests_per_minute: int
    tokens_per_minute: int
    typical_ttft_ms: int
    unavailable_reason: str
    def __init__(self, id: _Optional[str] = ..., provider: _Optional[str] = ..., context_window: _Optional[int] = ..., max_output_tokens: _Optional[int] = ..., capabilities: _Optional[_Iterable[_Union[_routing_pb2.Capability, str]]] = ..., prices: _Optional[_Union[ModelPrices, _Mapping]] = ..., languages: _Optional[_Iterable[str]] = ..., regions: _Optional[_Iterable[str]] = ..., typical_ttft_ms: _Optional[int] = ..., output_tokens_per_second: _Optional[float] = ..., requests_per_minute: _Optional[int] = ..., tokens_per_minute: _Optional[int] = ..., available: bool = ..., unavailable_reason: _Optional[str] = ..., quality_profile: _Optional[str] = ..., quality_source: _Optional[str] = ..., quality_prior: bool = ..., quality_prior_score: _Optional[float] = ..., quality_tier: _Optional[str] = ...) -> None: ...

class ModelPrices(_message.Message):
    __slots__ = ["cache_write_per_mtok", "cached_input_per_mtok", "input_per_mtok", "output_per_mtok"]
    CACHED_INPUT_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    CACHE_WRITE_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    INPUT_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_PER_MTOK_FIELD_NUMBER: _ClassVar[int]
    cache_write_per_mtok: float
    cached_input_per_mtok: float
    input_per_mtok: float
    output_per_mtok: float
    def __init__(self, input_per_mtok: _Optional[float] = ..., output_per_mtok: _Optional[float] = ..., cached_input_per_mtok: _Optional[float] = ..., cache_write_per_mtok: _Optional[float] = ...) -> None: ...

class ReportOutcomeRequest(_message.Message):
    __slots__ = ["decision_id", "error_code", "finish_reason", "latency_ms", "model", "response_model", "usage"]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_MODEL_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    decision_id: str
    error_code: str
    finish_reason: _chat_pb2.FinishReason
    latency_ms: float
    model: str
    response_model: str
    usage: _chat_pb2.Usage
    def __init__(self, decision_id: _Optional[str] = ..., model: _Optional[str] = ..., usage: _Optional[_Union[_chat_pb2.Usage, _Mapping]] = ..., latency_ms: _Optional[float] = ..., error_code: _Optional[str] = ..., response_model: _Optional[str] = ..., finish_reason: _Optional[_Union[_chat_pb2.FinishReason, str]] = ...) -> None: ...

class ReportOutcomeResponse(_message.Message):
    __slots__ = ["cost_usd"]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    cost_usd: float
    def __init__(self, cost_usd: _Optional[float] = ...) -> None: ...

class SubmitFeedbackRequest(_message.Message):
    __slots__ = ["bool_value", "comment", "decision_id", "episode_id", "float_value", "idempotency_key", "metric"]
    BOOL_VALUE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    EPISODE_ID_FIELD_NUMBER: _ClassVar[int]
    FLOAT_VALUE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    bool_value: bool
    comment: str
    decision_id: str
    episode_id: str
    float_value: float
    idempotency_key: str
    metric: str
    def __init__(self, decision_id: _Optional[str] = ..., episode_id: _Optional[str] = ..., metric: _Optional[str] = ..., bool_value: bool = ..., float_value: _Optional[float] = ..., comment: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class SubmitFeedbackResponse(_message.Message):
    __slots__ = ["accepted"]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    accepted: bool
    def __init__(self, accepted: bool = ...) -> None: ...

class AttemptOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class CheckStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class FeedbackFilter(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
