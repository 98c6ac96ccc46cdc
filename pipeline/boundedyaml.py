"""YAML for files a user may have copied from anywhere: bounded size, bounded aliases, no duplicate keys.

PyYAML's safe loader shares an anchored node between its aliases, so a 500-byte "billion
laughs" document loads quickly into a graph that is enormous once anything walks it (an
error message's repr of it never finishes). ``load_bounded`` measures the document as if
every alias were expanded and refuses it past ``max_nodes``; it also refuses a mapping that
names a key twice (YAML says keys are unique; PyYAML silently keeps the last one) and nesting
deeper than ``max_depth``.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_BYTES = 1024 * 1024  # a source file is a few hundred bytes; a megabyte is not a source file
MAX_NODES = 100_000  # nodes after alias expansion: every URL of a long list, and then some
MAX_DEPTH = 50  # nesting levels; source files use three


class YAMLBoundError(yaml.YAMLError):
    """The document is over a bound; ``problem`` and ``problem_mark`` say which and where."""

    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class _BoundedLoader(yaml.SafeLoader):
    max_nodes = MAX_NODES
    max_depth = MAX_DEPTH

    def compose_document(self) -> Node | None:
        node = super().compose_document()
        if node is not None:
            _check_expanded_size(node, self.max_nodes, self.max_depth)
        return node

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # "<<: *defaults" merges keys: overriding them is its purpose
                key = self.construct_object(key_node, deep=False)  # type: ignore[no-untyped-call]
                try:
                    duplicate = key in seen
                except TypeError:  # an unhashable key; the constructor reports it
                    continue
                if duplicate:
                    raise YAMLBoundError(f"duplicate key {str(key)[:60]!r}", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]


def _check_expanded_size(root: Node, max_nodes: int, max_depth: int) -> None:
    """Raise YAMLBoundError when ``root`` expands past ``max_nodes`` or nests past ``max_depth``.

    Iterative, with the expanded size of each shared (aliased) node computed once, so the
    check itself costs the size of the document, not of its expansion.
    """
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            kids = _children(node)
            sizes[key] = 1 + sum(sizes[id(k)] for k in kids)
            depths[key] = 1 + max((depths[id(k)] for k in kids), default=0)
            if sizes[key] > max_nodes:
                raise YAMLBoundError(
                    f"expands to more than {max_nodes:,} values (aliases of aliases?)",
                    node.start_mark,
                )
            if depths[key] > max_depth:
                raise YAMLBoundError(f"nested deeper than {max_depth} levels", node.start_mark)
            continue
        if key in sizes:
            continue
        if key in on_path:  # a recursive alias (&a [*a]) expands forever
            raise YAMLBoundError("an alias refers to itself", node.start_mark)
        if len(on_path) > max_depth:
            raise YAMLBoundError(f"nested deeper than {max_depth} levels", node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []  # a scalar


def load_bounded(data: bytes, *, max_bytes: int = MAX_BYTES, max_nodes: int = MAX_NODES) -> Any:
    """Parse one YAML document from ``data`` within the bounds; YAMLError when over one."""
    if len(data) > max_bytes:
        raise YAMLBoundError(f"{len(data):,} bytes; a source file may have at most {max_bytes:,}")
    loader = _BoundedLoader(data)
    loader.max_nodes = max_nodes
    try:
        return loader.get_single_data()
    except RecursionError:
        # The composer recurses once per level, before our own depth check can run.
        raise YAMLBoundError(f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
