"""Messages between the service and its evaluation workers: length-prefixed JSON, with data values tagged.

JSON, not pickle, on purpose: what comes back from a worker is read as data, so even a worker taken over by
a sandbox escape could not make the service run code by answering.
"""

from __future__ import annotations

import datetime
import decimal
import json
import struct
from collections.abc import Callable
from typing import Any

MAX_MESSAGE_BYTES = 1024 * 1024  # task data stays a few KB: a bigger answer is a runaway expression
_HEADER = struct.Struct(">I")
HEADER_BYTES = _HEADER.size
_TAG = "\0"  # the key of a tagged value; no form or diagram names a field with a NUL character


class UnsupportedValueError(TypeError):
    """A value the workers cannot receive or send (not plain data)."""


def frame(message: dict[str, Any]) -> bytes:
    """The bytes of one message: its length, then its JSON; ValueError when it is too big."""
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
    if len(body) > MAX_MESSAGE_BYTES:
        raise ValueError(f"message de {len(body)} octets")
    return _HEADER.pack(len(body)) + body


def body_length(header: bytes) -> int:
    (length,) = _HEADER.unpack(header)
    return int(length)


def parse(body: bytes) -> dict[str, Any]:
    message = json.loads(body)
    if not isinstance(message, dict):
        raise ValueError("message mal formé")
    return message


def encode(value: Any) -> Any:
    """A data value as JSON-ready structures; tuples, sets, dates, durations and decimals tagged."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [encode(item) for item in value]
    if kind is dict:
        if all(type(key) is str for key in value) and _TAG not in value:
            return {key: encode(item) for key, item in value.items()}
        return {_TAG: "dict", "v": [[encode(key), encode(item)] for key, item in value.items()]}
    encoder = _ENCODERS.get(kind)
    if encoder is None:
        raise UnsupportedValueError(f"valeur de type {kind.__name__} : seules les données passent")
    return {_TAG: kind.__name__, "v": encoder(value)}


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(_TAG)
    if tag is None:
        return {key: decode(item) for key, item in value.items()}
    if tag == "dict":
        return {_hashable(decode(key)): decode(item) for key, item in value["v"]}
    decoder = _DECODERS.get(tag)
    if decoder is None:
        raise UnsupportedValueError(f"étiquette inconnue : {tag!r}")
    return decoder(value["v"])


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


_ENCODERS: dict[type, Callable[[Any], Any]] = {
    tuple: lambda value: [encode(item) for item in value],
    set: lambda value: [encode(item) for item in value],
    frozenset: lambda value: [encode(item) for item in value],
    datetime.date: lambda value: value.isoformat(),
    datetime.datetime: lambda value: value.isoformat(),
    datetime.time: lambda value: value.isoformat(),
    datetime.timedelta: lambda value: [value.days, value.seconds, value.microseconds],
    decimal.Decimal: str,
}
_DECODERS: dict[str, Callable[[Any], Any]] = {
    "tuple": lambda items: tuple(decode(item) for item in items),
    "set": lambda items: {decode(item) for item in items},
    "frozenset": lambda items: frozenset(decode(item) for item in items),
    "date": datetime.date.fromisoformat,
    "datetime": datetime.datetime.fromisoformat,
    "time": datetime.time.fromisoformat,
    "timedelta": lambda parts: datetime.timedelta(days=parts[0], seconds=parts[1], microseconds=parts[2]),
    "Decimal": decimal.Decimal,
}
