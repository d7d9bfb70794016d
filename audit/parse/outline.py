"""An indentation tree of device output, with a record of which blocks were seen to end.

``dumpsys`` prints nested lists by indentation only. Knowing that a list *ended* matters as much
as what it holds: a permission missing from a list is evidence only when the list is known to be
complete, i.e. a later line at the same or a shallower depth closed it. Output cut off inside a
list (a phone unplugged mid-scan, a truncated fixture) therefore leaves the list open, and no
absence can be read from it. Building the tree is linear in the number of lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Node:
    """One non-blank line and the deeper-indented lines under it."""

    text: str  # the line without its indentation and trailing white space
    indent: int
    children: list[Node] = field(default_factory=list)
    closed: bool = False  # True when a later line at this depth or shallower was seen

    def walk(self) -> Iterator[Node]:
        """Every node below this one, depth first, in output order (iterative: no recursion limit)."""
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def build_outline(text: str, *, complete: bool = False) -> Node:
    """The tree of ``text``; the root (indent -1) holds the least indented lines. Never raises.

    ``complete``: the text is known to be the command's whole output (the collector's end marker
    followed it), so its end closes every open block. Without it the end proves nothing: a
    fixture or a cut-off answer may stop in the middle of a list.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    root = Node("", -1, closed=False)
    stack: list[Node] = [root]
    for line in text.split("\n"):
        stripped = line.strip(" \t")
        if not stripped:
            # A blank (or white-space-only, possibly cut-off) line proves nothing about depth.
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        while len(stack) > 1 and stack[-1].indent >= indent:
            stack.pop().closed = True
        node = Node(stripped.rstrip(), indent)
        stack[-1].children.append(node)
        stack.append(node)
    if complete:
        while len(stack) > 1:
            stack.pop().closed = True
    return root
