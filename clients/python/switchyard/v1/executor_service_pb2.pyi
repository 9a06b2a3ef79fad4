from switchyard.v1 import chat_pb2 as _chat_pb2
from switchyard.v1 import router_service_pb2 as _router_service_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InvokeError(_message.Message):
    __slots__ = ["http_status", "kind", "message", "retry_after_ms", "retryable"]
    HTTP_STATUS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_MS_FIELD_NUMBER: _ClassVar[int]
    http_status: int
    kind: str
    message: str
    retry_after_ms: int
    retryable: bool
    def __init__(self, kind: _Optional[str] = ..., message: _Optional[str] = ..., retryable: bool = ..., retry_after_ms: _Optional[int] = ..., http_status: _Optional[int] = ...) -> None: ...

class InvokeRequest(_message.Message):
    __slots__ = ["allowed_regions", "decision_id", "max_output_tokens", "messages", "model", "response_format", "step", "temperature", "tools", "ttft_timeout_ms"]
    ALLOWED_REGIONS_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    TTFT_TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    allowed_regions: _containers.RepeatedScalarFieldContainer[str]
    decision_id: str
    max_output_tokens: int
    messages: _containers.RepeatedCompositeFieldContainer[_chat_pb2.Message]
    model: str
    response_format: _chat_pb2.ResponseFormat
    step: str
    temperature: float
    tools: _containers.RepeatedCompositeFieldContainer[_chat_pb2.ToolDefinition]
    ttft_timeout_ms: int
    def __init__(self, model: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[_chat_pb2.Message, _Mapping]]] = ..., tools: _Optional[_Iterable[_Union[_chat_pb2.ToolDefinition, _Mapping]]] = ..., response_format: _Optional[_Union[_chat_pb2.ResponseFormat, _Mapping]] = ..., max_output_tokens: _Optional[int] = ..., temperature: _Optional[float] = ..., allowed_regions: _Optional[_Iterable[str]] = ..., decision_id: _Optional[str] = ..., step: _Optional[str] = ..., ttft_timeout_ms: _Optional[int] = ...) -> None: ...

class InvokeResponse(_message.Message):
    __slots__ = ["attempts", "cost_usd", "deployment", "error", "finish_reason", "message", "model", "response_model", "system_fingerprint", "usage"]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_MODEL_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[_router_service_pb2.Attempt]
    cost_usd: float
    deployment: str
    error: InvokeError
    finish_reason: _chat_pb2.FinishReason
    message: _router_service_pb2.AssistantMessage
    model: str
    response_model: str
    system_fingerprint: str
    usage: _chat_pb2.Usage
    def __init__(self, model: _Optional[str] = ..., deployment: _Optional[str] = ..., message: _Optional[_Union[_router_service_pb2.AssistantMessage, _Mapping]] = ..., finish_reason: _Optional[_Union[_chat_pb2.FinishReason, str]] = ..., usage: _Optional[_Union[_chat_pb2.Usage, _Mapping]] = ..., cost_usd: _Optional[float] = ..., attempts: _Optional[_Iterable[_Union[_router_service_pb2.Attempt, _Mapping]]] = ..., error: _Optional[_Union[InvokeError, _Mapping]] = ..., response_model: _Optional[str] = ..., system_fingerprint: _Optional[str] = ...) -> None: ...

class InvokeStreamError(_message.Message):
    __slots__ = ["attempts", "cost_usd", "error", "partial", "usage"]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[_router_service_pb2.Attempt]
    cost_usd: float
    error: InvokeError
    partial: bool
    usage: _chat_pb2.Usage
    def __init__(self, error: _Optional[_Union[InvokeError, _Mapping]] = ..., partial: bool = ..., attempts: _Optional[_Iterable[_Union[_router_service_pb2.Attempt, _Mapping]]] = ..., usage: _Optional[_Union[_chat_pb2.Usage, _Mapping]] = ..., cost_usd: _Optional[float] = ...) -> None: ...

class InvokeStreamRequest(_message.Message):
    __slots__ = ["request"]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: InvokeRequest
    def __init__(self, request: _Optional[_Union[InvokeRequest, _Mapping]] = ...) -> None: ...

class InvokeStreamResponse(_message.Message):
    __slots__ = ["deployment", "done", "error", "text_delta", "tool_call"]
    DEPLOYMENT_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    TEXT_DELTA_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_FIELD_NUMBER: _ClassVar[int]
    deployment: str
    done: InvokeResponse
    error: InvokeStreamError
    text_delta: str
    tool_call: _chat_pb2.ToolCall
    def __init__(self, deployment: _Optional[str] = ..., text_delta: _Optional[str] = ..., tool_call: _Optional[_Union[_chat_pb2.ToolCall, _Mapping]] = ..., done: _Optional[_Union[InvokeResponse, _Mapping]] = ..., error: _Optional[_Union[InvokeStreamError, _Mapping]] = ...) -> None: ...
