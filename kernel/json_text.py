"""JSON from outside (webhook bodies, API requests, websocket frames) with a bound on nesting.

Python's decoder recurses once per level: a body of 100,000 nested arrays raises
RecursionError, which is no ValueError, so every caller that refuses bad JSON with
`except ValueError` crashed instead (a 500, a dead socket). Nothing we accept nests deeper than
a few levels (Meta's payloads about ten), so anything past MAX_DEPTH is refused as not JSON."""

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64


class JSONTooDeep(ValueError):
    pass


def json_loads(data, **options):
    """`json.loads`, raising ValueError (`JSONTooDeep`) for nesting deeper than MAX_DEPTH."""
    try:
        value = json.loads(data, **options)
    except RecursionError:
        raise JSONTooDeep(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    if _depth(value) > MAX_DEPTH:
        raise JSONTooDeep(f"JSON nested deeper than {MAX_DEPTH} levels")
    return value


def _depth(value) -> int:
    """Nesting depth of decoded JSON, without recursion (the value may be nearly 1,000 deep)."""
    deepest, level = 0, [(value, 1)]
    while level:
        item, depth = level.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        level.extend((child, depth + 1) for child in item)
    return deepest


class BoundedJSONParser(JSONParser):
    """The API's JSON parser: too deeply nested JSON is a 400 like any malformed body."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            value = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels") from None
        if _depth(value) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels")
        return value
