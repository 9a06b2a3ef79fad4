from switchyard.v1 import chat_pb2 as _chat_pb2
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
DESCRIPTOR: _descriptor.FileDescriptor

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
    __slots__ = ["labels", "max_output_tokens", "messages", "model", "policy", "preferences", "requirements", "response_format", "strategy", "tools"]
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
    def __init__(self, messages: _Optional[_Iterable[_Union[_chat_pb2.Message, _Mapping]]] = ..., tools: _Optional[_Iterable[_Union[_chat_pb2.ToolDefinition, _Mapping]]] = ..., response_format: _Optional[_Union[_chat_pb2.ResponseFormat, _Mapping]] = ..., max_output_tokens: _Optional[int] = ..., requirements: _Optional[_Union[_routing_pb2.Requirements, _Mapping]] = ..., preferences: _Optional[_Union[_routing_pb2.Preferences, _Mapping]] = ..., policy: _Optional[str] = ..., labels: _Optional[_Union[_routing_pb2.Labels, _Mapping]] = ..., strategy: _Optional[_Union[_routing_pb2.Strategy, str]] = ..., model: _Optional[str] = ...) -> None: ...

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
    __slots__ = ["labels", "max_output_tokens", "messages", "model", "policy", "preferences", "requirements", "response_format", "strategy", "temperature", "tools"]
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
    def __init__(self, messages: _Optional[_Iterable[_Union[_chat_pb2.Message, _Mapping]]] = ..., tools: _Optional[_Iterable[_Union[_chat_pb2.ToolDefinition, _Mapping]]] = ..., response_format: _Optional[_Union[_chat_pb2.ResponseFormat, _Mapping]] = ..., max_output_tokens: _Optional[int] = ..., requirements: _Optional[_Union[_routing_pb2.Requirements, _Mapping]] = ..., preferences: _Optional[_Union[_routing_pb2.Preferences, _Mapping]] = ..., policy: _Optional[str] = ..., labels: _Optional[_Union[_routing_pb2.Labels, _Mapping]] = ..., strategy: _Optional[_Union[_routing_pb2.Strategy, str]] = ..., temperature: _Optional[float] = ..., model: _Optional[str] = ...) -> None: ...

class ExecuteResponse(_message.Message):
    __slots__ = ["attempts", "cost_usd", "decision", "decision_id", "finish_reason", "message", "model", "usage"]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[Attempt]
    cost_usd: float
    decision: DecideResponse
    decision_id: str
    finish_reason: _chat_pb2.FinishReason
    message: AssistantMessage
    model: str
    usage: _chat_pb2.Usage
    def __init__(self, decision_id: _Optional[str] = ..., model: _Optional[str] = ..., message: _Optional[_Union[AssistantMessage, _Mapping]] = ..., finish_reason: _Optional[_Union[_chat_pb2.FinishReason, str]] = ..., usage: _Optional[_Union[_chat_pb2.Usage, _Mapping]] = ..., cost_usd: _Optional[float] = ..., attempts: _Optional[_Iterable[_Union[Attempt, _Mapping]]] = ..., decision: _Optional[_Union[DecideResponse, _Mapping]] = ...) -> None: ...

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

class ListModelsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ["models"]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[ModelInfo]
    def __init__(self, models: _Optional[_Iterable[_Union[ModelInfo, _Mapping]]] = ...) -> None: ...

class ModelInfo(_message.Message):
    __slots__ = ["available", "capabilities", "context_window", "id", "languages", "max_output_tokens", "output_tokens_per_second", "prices", "provider", "quality_profile", "regions", "requests_per_minute", "tokens_per_minute", "typical_ttft_ms", "unavailable_reason"]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_WINDOW_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    PRICES_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    QUALITY_PROFILE_FIELD_NUMBER: _ClassVar[int]
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
    quality_profile: str
    regions: _containers.RepeatedScalarFieldContainer[str]
    requests_per_minute: int
    tokens_per_minute: int
    typical_ttft_ms: int
    unavailable_reason: str
    def __init__(self, id: _Optional[str] = ..., provider: _Optional[str] = ..., context_window: _Optional[int] = ..., max_output_tokens: _Optional[int] = ..., capabilities: _Optional[_Iterable[_Union[_routing_pb2.Capability, str]]] = ..., prices: _Optional[_Union[ModelPrices, _Mapping]] = ..., languages: _Optional[_Iterable[str]] = ..., regions: _Optional[_Iterable[str]] = ..., typical_ttft_ms: _Optional[int] = ..., output_tokens_per_second: _Optional[float] = ..., requests_per_minute: _Optional[int] = ..., tokens_per_minute: _Optional[int] = ..., available: bool = ..., unavailable_reason: _Optional[str] = ..., quality_profile: _Optional[str] = ...) -> None: ...

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

class AttemptOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
