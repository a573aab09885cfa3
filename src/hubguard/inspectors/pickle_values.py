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


def _children(value: object) -> list[object]:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, PDict):
        return [part for pair in value.pairs for part in pair]
    if isinstance(value, PSet):
        return value.items
    if isinstance(value, Made):
        return [value.args, value.state]
    return []


def _is_container(value: object) -> bool:
    return isinstance(value, (list, tuple, PDict, PSet, Made))


def expanded_size(root: object, cap: int) -> int:
    """How many objects a consumer that walks ``root`` as a tree (copying, printing, comparing,
    serialising it again) visits, where shared references count once per reference, computed on
    the graph without expanding it. Cycles count once. Saturates just above ``cap``.

    A "billion laughs" pickle memoises a list and references it again and again, level after
    level: a few hundred opcodes whose tree has 2**60 nodes.
    """
    sizes: dict[int, int] = {}
    pending: list[tuple[object, bool]] = [(root, False)]
    while pending:
        node, finished = pending.pop()
        if finished:
            total = 1 + sum(sizes.get(id(child), 1) for child in _children(node))
            sizes[id(node)] = min(total, cap + 1)
            continue
        if id(node) in sizes or not _is_container(node):
            continue
        sizes[id(node)] = 1  # in progress: a reference back to it (a cycle) counts once
        pending.append((node, True))
        pending.extend((child, False) for child in _children(node) if _is_container(child))
    return sizes.get(id(root), 1)
