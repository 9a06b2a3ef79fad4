from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CIRCUIT_STATE_CLOSED: CircuitState
CIRCUIT_STATE_HALF_OPEN: CircuitState
CIRCUIT_STATE_OPEN: CircuitState
CIRCUIT_STATE_UNSPECIFIED: CircuitState
DESCRIPTOR: _descriptor.FileDescriptor
DRIFT_KIND_PROVIDER: DriftKind
DRIFT_KIND_QUALITY: DriftKind
DRIFT_KIND_TRAFFIC: DriftKind
DRIFT_KIND_UNSPECIFIED: DriftKind

class CacheReport(_message.Message):
    __slots__ = ["executor_id", "prefixes", "schema_version", "sent_at_ms", "seq"]
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    PREFIXES_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_MS_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    executor_id: str
    prefixes: _containers.RepeatedCompositeFieldContainer[CachedPrefix]
    schema_version: int
    sent_at_ms: int
    seq: int
    def __init__(self, schema_version: _Optional[int] = ..., executor_id: _Optional[str] = ..., seq: _Optional[int] = ..., sent_at_ms: _Optional[int] = ..., prefixes: _Optional[_Iterable[_Union[CachedPrefix, _Mapping]]] = ...) -> None: ...

class CachedPrefix(_message.Message):
    __slots__ = ["expires_at_ms", "model", "prefix_hash", "tokens"]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PREFIX_HASH_FIELD_NUMBER: _ClassVar[int]
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    expires_at_ms: int
    model: str
    prefix_hash: str
    tokens: int
    def __init__(self, model: _Optional[str] = ..., prefix_hash: _Optional[str] = ..., tokens: _Optional[int] = ..., expires_at_ms: _Optional[int] = ...) -> None: ...

class DriftAlarm(_message.Message):
    __slots__ = ["baseline", "current", "kind", "measure", "message", "model", "raised_unix_ms", "router_id", "schema_version", "segment", "seq", "since_unix_ms"]
    BASELINE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MEASURE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    RAISED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    ROUTER_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    SINCE_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    baseline: float
    current: float
    kind: DriftKind
    measure: str
    message: str
    model: str
    raised_unix_ms: int
    router_id: str
    schema_version: int
    segment: str
    seq: int
    since_unix_ms: int
    def __init__(self, schema_version: _Optional[int] = ..., router_id: _Optional[str] = ..., seq: _Optional[int] = ..., kind: _Optional[_Union[DriftKind, str]] = ..., model: _Optional[str] = ..., segment: _Optional[str] = ..., measure: _Optional[str] = ..., baseline: _Optional[float] = ..., current: _Optional[float] = ..., since_unix_ms: _Optional[int] = ..., raised_unix_ms: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class ExecutorAnnouncement(_message.Message):
    __slots__ = ["address", "executor_id", "in_flight", "load", "models", "schema_version", "sent_at_ms", "seq", "ttl_ms", "withdrawn"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    LOAD_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_MS_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TTL_MS_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    address: str
    executor_id: str
    in_flight: int
    load: _containers.RepeatedCompositeFieldContainer[ModelLoad]
    models: _containers.RepeatedScalarFieldContainer[str]
    schema_version: int
    sent_at_ms: int
    seq: int
    ttl_ms: int
    withdrawn: bool
    def __init__(self, schema_version: _Optional[int] = ..., executor_id: _Optional[str] = ..., seq: _Optional[int] = ..., sent_at_ms: _Optional[int] = ..., ttl_ms: _Optional[int] = ..., address: _Optional[str] = ..., models: _Optional[_Iterable[str]] = ..., in_flight: _Optional[int] = ..., load: _Optional[_Iterable[_Union[ModelLoad, _Mapping]]] = ..., withdrawn: bool = ...) -> None: ...

class HealthReport(_message.Message):
    __slots__ = ["executor_id", "models", "schema_version", "sent_at_ms", "seq", "ttl_ms"]
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_MS_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TTL_MS_FIELD_NUMBER: _ClassVar[int]
    executor_id: str
    models: _containers.RepeatedCompositeFieldContainer[ModelHealth]
    schema_version: int
    sent_at_ms: int
    seq: int
    ttl_ms: int
    def __init__(self, schema_version: _Optional[int] = ..., executor_id: _Optional[str] = ..., seq: _Optional[int] = ..., sent_at_ms: _Optional[int] = ..., ttl_ms: _Optional[int] = ..., models: _Optional[_Iterable[_Union[ModelHealth, _Mapping]]] = ...) -> None: ...

class ModelHealth(_message.Message):
    __slots__ = ["calls", "circuit", "error_rate", "in_flight", "latency_ewma_ms", "latency_p95_ms", "model", "open_until_ms", "success_rate", "ttft_ewma_ms", "ttft_p95_ms"]
    CALLS_FIELD_NUMBER: _ClassVar[int]
    CIRCUIT_FIELD_NUMBER: _ClassVar[int]
    ERROR_RATE_FIELD_NUMBER: _ClassVar[int]
    IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    LATENCY_EWMA_MS_FIELD_NUMBER: _ClassVar[int]
    LATENCY_P95_MS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    OPEN_UNTIL_MS_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_RATE_FIELD_NUMBER: _ClassVar[int]
    TTFT_EWMA_MS_FIELD_NUMBER: _ClassVar[int]
    TTFT_P95_MS_FIELD_NUMBER: _ClassVar[int]
    calls: int
    circuit: CircuitState
    error_rate: float
    in_flight: int
    latency_ewma_ms: float
    latency_p95_ms: float
    model: str
    open_until_ms: int
    success_rate: float
    ttft_ewma_ms: float
    ttft_p95_ms: float
    def __init__(self, model: _Optional[str] = ..., calls: _Optional[int] = ..., success_rate: _Optional[float] = ..., error_rate: _Optional[float] = ..., latency_ewma_ms: _Optional[float] = ..., latency_p95_ms: _Optional[float] = ..., ttft_ewma_ms: _Optional[float] = ..., ttft_p95_ms: _Optional[float] = ..., circuit: _Optional[_Union[CircuitState, str]] = ..., open_until_ms: _Optional[int] = ..., in_flight: _Optional[int] = ...) -> None: ...

class ModelLoad(_message.Message):
    __slots__ = ["in_flight", "model"]
    IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    in_flight: int
    model: str
    def __init__(self, model: _Optional[str] = ..., in_flight: _Optional[int] = ...) -> None: ...

class ModelRateLimit(_message.Message):
    __slots__ = ["blocked_until_ms", "cooling_until_ms", "limit_requests", "limit_tokens", "model", "remaining_requests", "remaining_tokens", "request_headroom", "requests_reset_at_ms", "requests_used", "retry_after_ms", "token_headroom", "tokens_reset_at_ms", "tokens_used"]
    BLOCKED_UNTIL_MS_FIELD_NUMBER: _ClassVar[int]
    COOLING_UNTIL_MS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REMAINING_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    REMAINING_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_RESET_AT_MS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_USED_FIELD_NUMBER: _ClassVar[int]
    REQUEST_HEADROOM_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_MS_FIELD_NUMBER: _ClassVar[int]
    TOKENS_RESET_AT_MS_FIELD_NUMBER: _ClassVar[int]
    TOKENS_USED_FIELD_NUMBER: _ClassVar[int]
    TOKEN_HEADROOM_FIELD_NUMBER: _ClassVar[int]
    blocked_until_ms: int
    cooling_until_ms: int
    limit_requests: int
    limit_tokens: int
    model: str
    remaining_requests: int
    remaining_tokens: int
    request_headroom: float
    requests_reset_at_ms: int
    requests_used: int
    retry_after_ms: int
    token_headroom: float
    tokens_reset_at_ms: int
    tokens_used: int
    def __init__(self, model: _Optional[str] = ..., request_headroom: _Optional[float] = ..., token_headroom: _Optional[float] = ..., remaining_requests: _Optional[int] = ..., limit_requests: _Optional[int] = ..., remaining_tokens: _Optional[int] = ..., limit_tokens: _Optional[int] = ..., requests_reset_at_ms: _Optional[int] = ..., tokens_reset_at_ms: _Optional[int] = ..., cooling_until_ms: _Optional[int] = ..., blocked_until_ms: _Optional[int] = ..., requests_used: _Optional[int] = ..., tokens_used: _Optional[int] = ..., retry_after_ms: _Optional[int] = ...) -> None: ...

class RateLimitReport(_message.Message):
    __slots__ = ["executor_id", "models", "schema_version", "sent_at_ms", "seq", "ttl_ms"]
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_MS_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TTL_MS_FIELD_NUMBER: _ClassVar[int]
    executor_id: str
    models: _containers.RepeatedCompositeFieldContainer[ModelRateLimit]
    schema_version: int
    sent_at_ms: int
    seq: int
    ttl_ms: int
    def __init__(self, schema_version: _Optional[int] = ..., executor_id: _Optional[str] = ..., seq: _Optional[int] = ..., sent_at_ms: _Optional[int] = ..., ttl_ms: _Optional[int] = ..., models: _Optional[_Iterable[_Union[ModelRateLimit, _Mapping]]] = ...) -> None: ...

class SyncRequest(_message.Message):
    __slots__ = ["requester_id", "schema_version", "sent_at_ms"]
    REQUESTER_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_MS_FIELD_NUMBER: _ClassVar[int]
    requester_id: str
    schema_version: int
    sent_at_ms: int
    def __init__(self, schema_version: _Optional[int] = ..., requester_id: _Optional[str] = ..., sent_at_ms: _Optional[int] = ...) -> None: ...

class CircuitState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class DriftKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
