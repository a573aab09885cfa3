"""Symbolic values the pickle emulator pushes instead of real objects, and the events it records."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, eq=False)
class GlobalRef:
    """A callable or class the unpickler would import (GLOBAL, STACK_GLOBAL, INST)."""

    module: str
    name: str

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(eq=False)
class Made:
    """The result of calling ``callee`` (REDUCE, OBJ, INST, NEWOBJ, NEWOBJ_EX)."""

    callee: object
    args: object
    opcode: str
    state: object = None


@dataclass(eq=False)
class Persistent:
    pid: object


@dataclass(eq=False)
class Blob:
    """A str/bytes operand too long to fetch: only its first bytes are known."""

    kind: str
    length: int
    offset: int
    prefix: bytes


@dataclass(eq=False)
class PDict:
    pairs: list[tuple[object, object]] = field(default_factory=list)

    def get(self, key: str) -> object:
        for candidate, value in reversed(self.pairs):
            if candidate == key and type(candidate) is str:
                return value
        return None


@dataclass(eq=False)
class PSet:
    items: list[object] = field(default_factory=list)


class Opaque:
    """A value whose content the emulation cannot know (an EXT code, an out-of-band buffer)."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def __repr__(self) -> str:
        return f"<{self.origin}>"


@dataclass
class ImportEvent:
    module: str | None  # None: the import could not be resolved to literal names
    name: str | None
    opcode: str
    offset: int
    detail: str = ""

    @property
    def qualified(self) -> str:
        if self.module is None or self.name is None:
            return f"<{self.detail or 'unresolvable'}>"
        return f"{self.module}.{self.name}"


@dataclass
class CallEvent:
    callee: object
    args: object
    opcode: str
    offset: int


@dataclass
class BuildEvent:
    target: object
    state: object
    offset: int


@dataclass
class MutationEvent:
    """SETITEM/APPEND/ADDITEMS applied directly to an imported global."""

    target: GlobalRef
    opcode: str
    offset: int


Event = ImportEvent | CallEvent | BuildEvent | MutationEvent


def describe(value: object) -> str:
    if isinstance(value, GlobalRef):
        return value.qualified
    if isinstance(value, Made):
        inner = value.callee
        return f"the result of calling {inner.qualified if isinstance(inner, GlobalRef) else 'another call'}"
    if isinstance(value, Opaque):
        return f"an unresolved value ({value.origin})"
    return f"a {type(value).__name__} value"
