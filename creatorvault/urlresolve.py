"""URL resolution in one regular-expression call, for the lean API path (`creatorvault.lean_asgi`).

Django's `URLResolver.resolve` tries the URLconf's patterns one by one in Python, and builds a
`tried` list on every miss. The API's detail route, `/api/v1/{user_id}/ideas/{id}`, comes after
some 40 patterns (four apps' URLconfs under `api/v1/`, the `{user_id}` variants last): a py-spy
profile of the served detail put `resolve_request` at 8.3% of the worker's CPU, ~100 µs a request.

`FastResolver` compiles the root URLconf (nested `include`s, regex and `path()` prefixes, in
order) into ONE regex shaped like the URLconf's tree, an ordered alternation at each level: the
first leaf that matches is the pattern Django would have chosen, and `lastindex` says which one
it is (each leaf ends with an empty marker group, the last to close). Each pattern's regex goes
in as Django matches it:

- a prefix (an include's pattern) is matched once by Django, by `search`, and the patterns below
  it get the rest of the path with no going back into the prefix: an atomic group `(?>…)`
  (a literal prefix, such as `api/v1/`, can only match one way and needs none);
- a leading `^` is dropped (the pattern starts where its prefix stopped), and an endpoint regex
  ending in `$` is matched as Django does, whole (`fullmatch`): followed by `\\Z`;
- named groups become plain ones (names would collide between patterns); the leaf knows which
  group numbers carry which keyword, and numbering is unchanged by the renaming.

The match is then built as Django's would be (converters' `to_python`, prefix and default kwargs
merged the same way, `route` joined the same way, app names and namespaces), except `tried`,
which Django fills for its debug page and nothing reads on a match: it is None here.

Whatever it cannot reproduce exactly goes to Django's own resolver: a pattern it does not
understand (a lazily translated or locale prefix, a regex with a look-behind, a back-reference, a
word boundary, a second `^`, inline global flags, an unanchored search) becomes a marker that
hands every path reaching it to Django; so does a path the table does not match at all (Django
raises its `Resolver404`), and one whose converter's `to_python` raises ValueError (Django then
tries the next pattern). The table belongs to the resolver it was built from:
`get_resolver()` returns a new one when `ROOT_URLCONF` changes or `clear_url_caches` runs (the
`setting_changed` signal does both in tests), and the table is rebuilt for it.

Measured in-process (timeit, the project's URLconf, best of 5 x 20,000): Django 37 µs for the
user detail path, 29 µs for the user list, 30 µs for an unknown /api/ path; this 7.3, 5.7 and
4.2 µs (the regex call 4.3, 1.7 and 1.4 µs of them). `bench/hotpaths.py --asgi` (a shared
machine, 3 alternated rounds of 6,000 requests): `/api/v1/ideas/{id}` 1.14-1.18 CPU ms a request
against 1.22-1.23 with Django's `resolve_request`.
"""

from __future__ import annotations

import re
import re._parser as _sre_parse  # type: ignore[import-not-found]  # the parser `re` itself uses
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, ResolverMatch, RoutePattern


class _Unsupported(Exception):
    """A pattern the table cannot reproduce exactly: a path that reaches it is Django's to resolve."""


@dataclass(frozen=True)
class _Level:
    """One regex of a leaf's chain: a resolver's prefix, or the leaf's own pattern."""

    source: str  # the regex as it goes into the alternation
    groups: int  # its capturing groups
    names: tuple[tuple[str, int], ...]  # keyword -> group number within it, in Django's order
    converters: dict[str, Any]  # path() converters by keyword ({} for a regex)
    default_kwargs: dict[str, Any]  # the include's kwargs, or the leaf's


@dataclass
class _Leaf:
    """A leaf pattern with what its match needs: the chain from the root down, the view, names."""

    levels: list[_Level]
    callback: Callable[..., Any]
    url_name: str | None
    route: str
    app_names: list[str | None]
    namespaces: list[str | None]
    starts: list[int]  # for each level, the combined regex's group number before its first

    def __post_init__(self) -> None:
        # The common case, built without the general fold: nothing captured or added above the
        # leaf, and the leaf a regex without default kwargs.
        self.simple = (
            all(
                not level.groups and not level.default_kwargs and not level.converters
                for level in self.levels[:-1]
            )
            and not self.levels[-1].converters
            and not self.levels[-1].default_kwargs
        )


# What a regex must not hold: inside the combined regex it would see the path before the pattern
# (or group numbers shifted by the patterns before it), where Django's own match sees neither.
_CONTEXT_SENSITIVE = {
    _sre_parse.GROUPREF,
    _sre_parse.GROUPREF_EXISTS,
}
_AT_CONTEXT = {
    _sre_parse.AT_BEGINNING,
    _sre_parse.AT_BEGINNING_STRING,
    _sre_parse.AT_BOUNDARY,
    _sre_parse.AT_NON_BOUNDARY,
    _sre_parse.AT_LOC_BOUNDARY,
    _sre_parse.AT_LOC_NON_BOUNDARY,
    _sre_parse.AT_UNI_BOUNDARY,
    _sre_parse.AT_UNI_NON_BOUNDARY,
}
_DEFAULT_FLAGS = re.compile("").flags


def _walk(items: Any) -> Iterator[tuple[Any, Any]]:
    """Every (opcode, argument) of a parsed regex, nested ones included."""
    for op, av in items:
        yield op, av
        if op in (_sre_parse.SUBPATTERN,):
            yield from _walk(av[-1])
        elif op in (_sre_parse.MAX_REPEAT, _sre_parse.MIN_REPEAT, _sre_parse.POSSESSIVE_REPEAT):
            yield from _walk(av[2])
        elif op is _sre_parse.BRANCH:
            for branch in av[1]:
                yield from _walk(branch)
        elif op in (_sre_parse.ASSERT, _sre_parse.ASSERT_NOT):
            if av[0] < 0:
                raise _Unsupported("a look-behind sees the prefix")
            yield from _walk(av[1])
        elif op is _sre_parse.ATOMIC_GROUP:
            yield from _walk(av)


def _unname_groups(regex: str) -> str:
    """`regex` with each `(?P<name>` opening a plain `(`: the same groups, numbered the same."""
    out: list[str] = []
    i, n = 0, len(regex)
    while i < n:
        char = regex[i]
        if char == "\\":
            out.append(regex[i : i + 2])
            i += 2
        elif char == "[":  # a class: up to its closing bracket, which may come first (`[]…]`)
            j = i + 1
            if regex.startswith("^", j):
                j += 1
            if regex.startswith("]", j):
                j += 1
            while j < n and regex[j] != "]":
                j += 2 if regex[j] == "\\" else 1
            out.append(regex[i : j + 1])
            i = j + 1
        elif regex.startswith("(?#", i):
            j = regex.find(")", i)
            out.append(regex[i : j + 1] if j >= 0 else regex[i:])
            i = n if j < 0 else j + 1
        elif regex.startswith("(?P<", i):
            out.append("(")
            i = regex.index(">", i) + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _level(pattern_: object, default_kwargs: dict[str, Any], *, endpoint: bool) -> _Level:
    """The regex of one pattern as it goes into the alternation, or _Unsupported."""
    pattern: Any = pattern_  # its private attributes are what Django matches with
    if type(pattern_) is RegexPattern:
        if not isinstance(pattern._regex, str):
            raise _Unsupported("a translated regex")
        regex = pattern._regex
        converters: dict[str, Any] = {}
        # RegexPattern.match: a whole match for an endpoint ending in `$`, else a search.
        whole = endpoint and regex.endswith("$")
    elif type(pattern_) is RoutePattern:
        if not isinstance(pattern._route, str):
            raise _Unsupported("a translated route")
        regex, converters = pattern._regex, pattern.converters
        whole = False  # the route's regex ends in \Z when it is an endpoint
    else:
        raise _Unsupported(f"a {type(pattern).__name__}")
    compiled = re.compile(regex)
    if compiled.flags != _DEFAULT_FLAGS:
        raise _Unsupported("inline global flags")
    items = list(_sre_parse.parse(regex))
    anchored = bool(items) and items[0] == (_sre_parse.AT, _sre_parse.AT_BEGINNING)
    if anchored:
        if not regex.startswith("^"):
            raise _Unsupported("an unusual anchor")
        regex, items = regex[1:], items[1:]
    elif regex and not whole:
        raise _Unsupported("a search not anchored at the start")  # it could match further on
    for op, av in _walk(items):
        if op in _CONTEXT_SENSITIVE or (op is _sre_parse.AT and av in _AT_CONTEXT):
            raise _Unsupported("a pattern whose meaning depends on what precedes it")
    source = _unname_groups(regex)
    check = re.compile(source)
    if check.groups != compiled.groups or check.groupindex:
        raise _Unsupported("named groups that could not be renamed")
    if whole:
        source = f"(?:{source})\\Z"
    elif endpoint or all(op is _sre_parse.LITERAL for op, _ in items):
        source = f"(?:{source})"  # nothing after it to backtrack for, or a literal: one way to match
    else:
        source = f"(?>{source})"  # Django's search gives the prefix's first match, and keeps it
    names = tuple(sorted(compiled.groupindex.items(), key=lambda item: item[1]))
    return _Level(source, compiled.groups, names, converters, dict(default_kwargs))


def _join_route(route1: str, route2: str) -> str:
    """URLResolver._join_route: two routes joined, without the second's leading `^`."""
    return route2 if not route1 else route1 + route2.removeprefix("^")


class _Table:
    """The combined regex of a resolver's patterns, and the leaf each of its markers stands for.

    The regex mirrors the URLconf's tree, as Django walks it: an include is its prefix followed by
    the alternation of what it includes (a prefix fails once for all the patterns below it), a
    leaf is its regex followed by an empty marker group, which closes last: `lastindex` is the
    marker of the leaf that matched. A pattern the table cannot reproduce becomes a bare marker
    that matches whatever reaches it, standing for "Django resolves this one"; what follows it in
    the same include is never reached, what follows the include is (when its prefix did not match,
    Django never tried the pattern either).
    """

    def __init__(self, resolver: URLResolver) -> None:
        self.resolver = resolver
        self.leaves: dict[int, _Leaf] = {}  # marker group number -> leaf
        self.complete = True
        self._groups = 0
        try:
            root = _level(resolver.pattern, resolver.default_kwargs, endpoint=False)
        except _Unsupported:
            self.complete = False
            self.regex = re.compile("()")
            return
        self._groups = root.groups
        alternation = self._alternation(resolver, [root], [0], [resolver.app_name], [resolver.namespace])
        self.regex = re.compile(root.source + "(?:" + alternation + ")")

    def _alternation(
        self,
        resolver: URLResolver,
        chain: list[_Level],
        starts: list[int],
        apps: list[Any],
        spaces: list[Any],
    ) -> str:
        """The alternation of what `resolver` includes, numbering groups in the text's order."""
        alternatives: list[str] = []
        for pattern in resolver.url_patterns:
            try:
                if isinstance(pattern, URLPattern):
                    level = _level(pattern.pattern, pattern.default_args, endpoint=True)
                elif isinstance(pattern, URLResolver):
                    level = _level(pattern.pattern, pattern.default_kwargs, endpoint=False)
                else:
                    raise _Unsupported(f"a {type(pattern).__name__} in the URLconf")
            except _Unsupported:
                self.complete = False
                self._groups += 1
                alternatives.append("()")
                break  # what follows in this include is never reached: the marker matches first
            start = self._groups
            self._groups += level.groups
            if isinstance(pattern, URLPattern):
                self._groups += 1
                self.leaves[self._groups] = _Leaf(
                    levels=[*chain, level],
                    starts=[*starts, start],
                    callback=pattern.callback,
                    url_name=getattr(pattern.pattern, "name", None),
                    route=str(pattern.pattern),
                    app_names=apps,
                    namespaces=spaces,
                )
                alternatives.append(level.source + "()")
            else:
                first = len(self.leaves)
                below = self._alternation(
                    pattern,
                    [*chain, level],
                    [*starts, start],
                    [*apps, pattern.app_name],
                    [*spaces, pattern.namespace],
                )
                prefix = str(pattern.pattern)
                for leaf in list(self.leaves.values())[first:]:
                    # As URLResolver.resolve joins them: the include's pattern, then what is below.
                    leaf.route = _join_route(prefix, leaf.route)
                alternatives.append(level.source + "(?:" + below + ")")
        return "|".join(alternatives) if alternatives else "(?!)"

    def resolve(self, path: str) -> ResolverMatch | None:
        """Django's match for `path`, or None where Django must resolve it."""
        match = self.regex.match(path)
        if match is None:
            return None
        leaf = self.leaves.get(match.lastindex or 0)
        if leaf is None:
            return None
        groups = match.groups()
        if leaf.simple:
            last = leaf.levels[-1]
            offset = leaf.starts[-1]
            if last.names:
                kwargs = {name: groups[offset + index - 1] for name, index in last.names}
                kwargs = {k: v for k, v in kwargs.items() if v is not None}
                args: tuple[Any, ...] = ()
            else:
                kwargs, args = {}, groups[offset : offset + last.groups]
            return ResolverMatch(
                leaf.callback,
                args,
                {**kwargs},  # as URLPattern.resolve: the view's kwargs are not the captured dict
                leaf.url_name,
                leaf.app_names,
                leaf.namespaces,
                leaf.route,
                None,
                captured_kwargs=kwargs,
                extra_kwargs={},
            )
        return self._resolve_nested(leaf, groups)

    @staticmethod
    def _resolve_nested(leaf: _Leaf, groups: tuple[Any, ...]) -> ResolverMatch | None:
        """The general case: fold each level's args and kwargs in as URLResolver.resolve does."""
        matched: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        for level, offset in zip(leaf.levels, leaf.starts, strict=True):
            if level.converters:  # RoutePattern.match: every keyword converted, or no match
                kwargs = {name: groups[offset + index - 1] for name, index in level.names}
                try:
                    kwargs = {k: level.converters[k].to_python(v) for k, v in kwargs.items()}
                except ValueError:
                    return None  # Django tries the next pattern: let it
                args: tuple[Any, ...] = ()
            else:  # RegexPattern.match: named groups (the None ones dropped), or else positional
                kwargs = {name: groups[offset + index - 1] for name, index in level.names}
                args = () if kwargs else groups[offset : offset + level.groups]
                kwargs = {k: v for k, v in kwargs.items() if v is not None}
            matched.append((args, kwargs))
        leaf_level = leaf.levels[-1]
        args, captured = matched[-1]
        kwargs = {**captured, **leaf_level.default_kwargs}  # URLPattern.resolve
        extra = leaf_level.default_kwargs
        for level, (level_args, level_kwargs) in zip(
            reversed(leaf.levels[:-1]), reversed(matched[:-1]), strict=True
        ):
            merged = {**level_kwargs, **level.default_kwargs}
            merged.update(kwargs)
            if not merged:
                args = level_args + args
            kwargs = merged
            extra = {**level.default_kwargs, **extra}
        return ResolverMatch(
            leaf.callback,
            args,
            kwargs,
            leaf.url_name,
            leaf.app_names,
            leaf.namespaces,
            leaf.route,
            None,
            captured_kwargs=captured,
            extra_kwargs=extra,
        )


class FastResolver:
    """`resolve(path)`: Django's `get_resolver().resolve(path)`, in one regex call where it can."""

    def __init__(self) -> None:
        self._table: _Table | None = None
        self._lock = threading.Lock()

    def table(self) -> _Table:
        """The table of the current root resolver, built on first use and when it changes."""
        resolver = get_resolver()
        table = self._table
        if table is None or table.resolver is not resolver:
            with self._lock:
                table = self._table
                if table is None or table.resolver is not resolver:
                    table = self._table = _Table(resolver)
        return table

    def resolve(self, path: str) -> ResolverMatch:
        """The match Django's root resolver would give for `path` (its Resolver404 if none)."""
        match = self.table().resolve(path)
        return match if match is not None else get_resolver().resolve(path)
