"""Finding and remediation sentences in English and German.

Verdicts carry language-neutral ``Message`` values (a key and parameters); this module turns
them into sentences. Parameters are counts, app and package names only, never personal data.
The catalogue itself is filled by the assess stage's authors; keys are stable.
"""

from __future__ import annotations

from audit.results import Message

LANGS = ("en", "de")

# key -> {lang: template}; templates use str.format with the message's parameters.
CATALOGUE: dict[str, dict[str, str]] = {}


def render(message: Message, lang: str = "en") -> str:
    """The sentence for ``message`` in ``lang`` (falls back to English, then to the key)."""
    entry = CATALOGUE.get(message.key)
    if entry is None:
        return message.key
    template = entry.get(lang) or entry.get("en") or message.key
    try:
        return template.format(**dict(message.params))
    except (KeyError, IndexError, ValueError):
        return template
