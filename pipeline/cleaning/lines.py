"""Text-level chrome: decide whether a block of body text is chrome by its words alone."""

from __future__ import annotations

import re

from pipeline.cleaning.rules import DEFAULT_RULES, ChromeRules, NamedPattern

# Matching long paragraphs against line rules costs time and risks false hits; chrome lines
# are short.
MAX_CHROME_LINE_CHARS = 300


def chrome_line_rule(text: str, rules: ChromeRules = DEFAULT_RULES) -> str | None:
    """The name of the text rule that marks this block as chrome, or None."""
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_CHROME_LINE_CHARS:
        return None
    return rules.line_matcher.search(stripped)


def edge_line_rule(text: str, rules: ChromeRules = DEFAULT_RULES) -> str | None:
    """The name of the rule marking this block as chrome when it sits at the body's edge."""
    stripped = text.strip()
    if not stripped or len(stripped) > 100:
        return None
    return rules.edge_matcher.search(stripped)


def end_marker_rule(text: str, rules: ChromeRules = DEFAULT_RULES) -> str | None:
    """The name of the rule saying the article ends before this block (comments, related …)."""
    stripped = text.strip()
    if not stripped or len(stripped) > 80:
        return None
    return rules.end_matcher.search(stripped)


def source_patterns(patterns: tuple[str, ...]) -> tuple[NamedPattern, ...]:
    """Compile a source's drop_patterns (regexes from YAML) into named line rules."""
    compiled: list[NamedPattern] = []
    for index, pattern in enumerate(patterns):
        compiled.append(NamedPattern(f"source:{index}", re.compile(pattern)))
    return tuple(compiled)
