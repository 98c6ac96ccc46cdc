"""Chrome stripping: rules as data (rules.py) and the small functions that apply them."""

from pipeline.cleaning.lines import (
    chrome_line_rule,
    edge_line_rule,
    end_marker_rule,
    source_patterns,
)
from pipeline.cleaning.rules import DEFAULT_RULES, ChromeRules, NamedPattern, NamedSelector
from pipeline.cleaning.strip import StripReport, chrome_class_rule, strip_chrome

__all__ = [
    "DEFAULT_RULES",
    "ChromeRules",
    "NamedPattern",
    "NamedSelector",
    "StripReport",
    "chrome_class_rule",
    "chrome_line_rule",
    "edge_line_rule",
    "end_marker_rule",
    "source_patterns",
    "strip_chrome",
]
