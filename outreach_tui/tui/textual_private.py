"""Every use of Textual's private API, in one place (written against Textual 8).

Two things the booth needs have no public API in Textual 8:

- **Bindings labelled per instance.** Footer labels come from the message catalogue in
  the booth's language, chosen at run time; a class's ``BINDINGS`` are fixed when the
  class is defined. Textual gives every node its own copy of its bindings
  (``DOMNode._bindings``), which ``node_bindings`` hands out for relabelling.
- **Popping a screen of a mode that is not shown.** While the lock covers the booth, a
  save's worker underneath may dismiss its screen; ``App.pop_screen`` would pop the lock
  instead. ``pop_hidden_screen`` pops it from that mode's own stack, as Textual's
  ``pop_screen`` does for the current one.

Nothing else in the package touches a Textual name that starts with an underscore.
``missing()`` names whatever an upgrade removed; ``tests/tui/test_textual_private.py``
fails on it with that list (and on a new major version), so an upgrade breaks a test
rather than the booth.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.await_complete import AwaitComplete
    from textual.binding import Binding
    from textual.dom import DOMNode

TESTED_MAJOR = 8  # the Textual major version this module was checked against


def node_bindings(node: DOMNode) -> dict[str, list[Binding]]:
    """The node's own key → bindings map (a per-instance copy: editing it affects only
    this node)."""
    return node._bindings.key_to_bindings


def pop_hidden_screen(app: App[Any], mode: str) -> AwaitComplete:
    """Pop the top screen of ``mode``'s stack (not the current mode), running its result
    callback as ``App.pop_screen`` would. A stack with only its base screen is left."""
    from textual.await_complete import AwaitComplete

    stack = app._screen_stacks.get(mode, [])
    if len(stack) <= 1:
        # Textual leaves this classmethod unannotated (it returns an AwaitComplete)
        done: AwaitComplete = AwaitComplete.nothing()  # type: ignore[no-untyped-call]
        return done
    screen = stack.pop()
    screen._pop_result_callback()
    return AwaitComplete(app._replace_screen(screen)).call_next(app)


def missing() -> list[str]:
    """The private names used above that this Textual no longer has (empty: all there)."""
    from textual.app import App
    from textual.binding import BindingsMap
    from textual.screen import Screen
    from textual.widget import Widget

    gone = []
    if not hasattr(Widget(), "_bindings"):
        gone.append("DOMNode._bindings")
    if not hasattr(BindingsMap(), "key_to_bindings"):
        gone.append("BindingsMap.key_to_bindings")
    if not hasattr(App(), "_screen_stacks"):
        gone.append("App._screen_stacks")
    if not callable(getattr(App, "_replace_screen", None)):
        gone.append("App._replace_screen")
    if not callable(getattr(Screen, "_pop_result_callback", None)):
        gone.append("Screen._pop_result_callback")
    return gone


def textual_major() -> int:
    return int(version("textual").split(".")[0])
