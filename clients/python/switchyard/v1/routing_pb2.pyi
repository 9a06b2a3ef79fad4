from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CAPABILITY_JSON_OUTPUT: Capability
CAPABILITY_STREAMING: Capability
CAPABILITY_TOOLS: Capability
CAPABILITY_UNSPECIFIED: Capability
CAPABILITY_VISION: Capability
DESCRIPTOR: _descriptor.FileDescriptor
STRATEGY_CASCADE: Strategy
STRATEGY_SINGLE: Strategy
STRATEGY_SPECULATIVE: Strategy
STRATEGY_UNSPECIFIED: Strategy

class Candidate(_message.Message):
    __slots__ = ["eligible", "estimated_cost_usd", "estimated_latency_ms", "excluded_reason", "model", "predicted_quality", "provider", "rank", "score"]
    ELIGIBLE_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_COST_USD_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_REASON_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PREDICTED_QUALITY_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    eligible: bool
    estimated_cost_usd: float
    estimated_latency_ms: float
    excluded_reason: str
    model: str
    predicted_quality: float
    provider: str
    rank: int
    score: float
    def __init__(self, model: _Optional[str] = ..., provider: _Optional[str] = ..., eligible: bool = ..., excluded_reason: _Optional[str] = ..., predicted_quality: _Optional[float] = ..., estimated_cost_usd: _Optional[float] = ..., estimated_latency_ms: _Optional[float] = ..., score: _Optional[float] = ..., rank: _Optional[int] = ...) -> None: ...

class Labels(_message.Message):
    __slots__ = ["extra", "session", "task", "tenant", "user_tier"]
    class ExtraEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    EXTRA_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    TENANT_FIELD_NUMBER: _ClassVar[int]
    USER_TIER_FIELD_NUMBER: _ClassVar[int]
    extra: _containers.ScalarMap[str, str]
    session: str
    task: str
    tenant: str
    user_tier: str
    def __init__(self, tenant: _Optional[str] = ..., user_tier: _Optional[str] = ..., task: _Optional[str] = ..., session: _Optional[str] = ..., extra: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Preferences(_message.Message):
    __slots__ = ["cost_quality_tradeoff", "latency_budget_ms", "max_cost_usd"]
    COST_QUALITY_TRADEOFF_FIELD_NUMBER: _ClassVar[int]
    LATENCY_BUDGET_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_COST_USD_FIELD_NUMBER: _ClassVar[int]
    cost_quality_tradeoff: float
    latency_budget_ms: int
    max_cost_usd: float
    def __init__(self, cost_quality_tradeoff: _Optional[float] = ..., max_cost_usd: _Optional[float] = ..., latency_budget_ms: _Optional[int] = ...) -> None: ...

class PromptFeatures(_message.Message):
    __slots__ = ["estimated_input_tokens", "prompt_chars", "script"]
    ESTIMATED_INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CHARS_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    estimated_input_tokens: int
    prompt_chars: int
    script: str
    def __init__(self, estimated_input_tokens: _Optional[int] = ..., script: _Optional[str] = ..., prompt_chars: _Optional[int] = ...) -> None: ...

class Requirements(_message.Message):
    __slots__ = ["allow_models", "capabilities", "deny_models", "languages", "min_context_tokens", "pin_model", "regions"]
    ALLOW_MODELS_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    DENY_MODELS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    MIN_CONTEXT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    PIN_MODEL_FIELD_NUMBER: _ClassVar[int]
    REGIONS_FIELD_NUMBER: _ClassVar[int]
    allow_models: _containers.RepeatedScalarFieldContainer[str]
    capabilities: _containers.RepeatedScalarFieldContainer[Capability]
    deny_models: _containers.RepeatedScalarFieldContainer[str]
    languages: _containers.RepeatedScalarFieldContainer[str]
    min_context_tokens: int
    pin_model: str
    regions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, capabilities: _Optional[_Iterable[_Union[Capability, str]]] = ..., min_context_tokens: _Optional[int] = ..., regions: _Optional[_Iterable[str]] = ..., languages: _Optional[_Iterable[str]] = ..., allow_models: _Optional[_Iterable[str]] = ..., deny_models: _Optional[_Iterable[str]] = ..., pin_model: _Optional[str] = ...) -> None: ...

class StrategyPlan(_message.Message):
    __slots__ = ["checks", "models", "strategy"]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    checks: _containers.RepeatedScalarFieldContainer[str]
    models: _containers.RepeatedScalarFieldContainer[str]
    strategy: Strategy
    def __init__(self, strategy: _Optional[_Union[Strategy, str]] = ..., models: _Optional[_Iterable[str]] = ..., checks: _Optional[_Iterable[str]] = ...) -> None: ...

class Capability(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Strategy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
