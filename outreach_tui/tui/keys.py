"""Key bindings that speak the booth's language.

Bindings carry ids (so users can remap them); their footer labels come from the message
catalogue under ``binding.<id>``, applied per instance after construction.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from outreach_tui.i18n import t


def localize_bindings(node: DOMNode, language: str) -> None:
    bindings = node._bindings.key_to_bindings  # per-instance copy made by Textual
    for key, items in bindings.items():
        localized = []
        for binding in items:
            if binding.id:
                code = f"binding.{binding.id}"
                text = t(code, language)
                if text != code:
                    binding = replace(binding, description=text)
            localized.append(binding)
        bindings[key] = localized
