"""The fast URL resolver (creatorvault.urlresolve) gives Django's match, or lets Django give it.

Every leaf pattern of the project's URLconf under /api/ is resolved on sample paths by both and
the matches compared in everything read downstream; a swapped URLconf covers converters, nested
includes with captures and default kwargs, positional groups and a pattern the table leaves to
Django. The HTTP side (the lean ASGI path resolving through it) is in tests/test_lean_asgi.py.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import ResolverMatch

from creatorvault.urlresolve import FastResolver

USER = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
IDEA = "8c1e6f0a-1d2b-4c3d-9e8f-0a1b2c3d4e5f"
# Values for each keyword of the API's patterns: real ids, and words that other routes also use.
SAMPLES = {
    "user_id": [USER, "ideas", "users", "me"],
    "id": [IDEA, "bulk", "revisions"],
    "rev": ["3", "restore"],
    "tag": ["video", "a/b", "rename"],
    "path": ["", "no/such/thing", "v1/ideas/x/y/z"],
}
NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^()]*\)")


def assert_same_match(fast: ResolverMatch, django: ResolverMatch) -> None:
    """Equal in every attribute read after resolution (not `tried`, kept for Django's 404 page)."""
    for attribute in (
        "func",
        "args",
        "kwargs",
        "url_name",
        "route",
        "app_names",
        "namespaces",
        "app_name",
        "namespace",
        "view_name",
        "captured_kwargs",
        "extra_kwargs",
    ):
        assert getattr(fast, attribute) == getattr(django, attribute), (attribute, fast, django)


def leaf_routes(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    """(full route, pattern) of every leaf of the URLconf, in order."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern).removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from leaf_routes(pattern, route)
        else:
            yield route, pattern


def sample_paths(route: str) -> Iterator[str]:
    """Concrete paths the route matches: each keyword's samples, with and without the slash."""
    names = NAMED_GROUP.findall(route)
    for values in itertools.product(*(SAMPLES[name] for name in names)):
        concrete = route
        for value in values:
            concrete = NAMED_GROUP.sub(value.replace("\\", r"\\"), concrete, count=1)
        for ending in ("", "/"):
            path = "/" + concrete.replace("/?$", ending).removesuffix("$")
            assert not set(path) & set("()?$^[]*+\\"), f"{route} left a regex in {path}"
            yield path


API_LEAVES = [(route, pattern) for route, pattern in leaf_routes(get_resolver()) if route.startswith("api/")]


def test_the_project_urlconf_is_all_in_the_table() -> None:
    table = FastResolver().table()
    assert table.complete
    assert len(table.leaves) == len(list(leaf_routes(get_resolver())))


@pytest.mark.parametrize(("route", "pattern"), API_LEAVES, ids=[route for route, _ in API_LEAVES])
def test_every_api_pattern_resolves_as_django_resolves_it(route: str, pattern: URLPattern) -> None:
    fast = FastResolver()
    hit = False
    for path in sample_paths(route):
        match = fast.resolve(path)
        assert_same_match(match, resolve(path))
        hit = hit or match.url_name == pattern.name
    assert hit, f"no sample path reached {pattern.name}"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (f"/api/v1/ideas/{IDEA}", "idea-detail"),
        (f"/api/v1/{USER}/ideas/{IDEA}/", "user-idea-detail"),
        ("/api/v1/ideas/ideas", "idea-detail"),  # not the user "ideas"'s list
        ("/api/v1/ideas/ideas/ideas", "user-idea-detail"),
        ("/api/v1/ideas/bulk", "idea-bulk"),
        ("/api/v1/tags/a/b/", "tag-detail"),
        ("/api/v1/tags/a/b//", "tag-detail"),
        ("/api/v1/users/me", "users-me"),
        ("/api/v1/users/me/tokens/x", "users-me-token-detail"),
        ("/api/v1/ideas/x/y", "api-not-found"),
        ("/api/nope", "api-not-found"),
        ("/api/", "api-not-found"),
    ],
)
def test_ambiguous_and_unknown_paths_resolve_as_django_resolves_them(path: str, name: str) -> None:
    match = FastResolver().resolve(path)
    assert match.url_name == name
    assert_same_match(match, resolve(path))


def test_a_path_django_matches_nowhere_is_its_404() -> None:
    # `$` matches before a final newline, but Django matches a `$`-ended endpoint whole.
    fast = FastResolver()
    assert fast.table().resolve("/api/v1/ideas\n") is None
    with pytest.raises(Resolver404):
        fast.resolve("/api/v1/ideas\n")
    with pytest.raises(Resolver404):
        resolve("/api/v1/ideas\n")


SWAPPED_PATHS = [
    "/n/4/",  # the even converter
    "/n/3/",  # the even converter refuses it: the next pattern, as Django
    "/teams/7/items/5/",  # an include with a namespace under a captured prefix
    "/teams/7/plain/12/ab/",  # positional groups below a keyword prefix: the prefix's keyword wins
    "/teams/7/plain/12/",
    "/teams/7/extra/",  # default kwargs
    "/teams/7/reds/extra/",  # an include's default kwargs, overridden by the pattern's
    "/teams/7/reds/items/9/",
    "/swapped",
    "/opt/",
    "/opt/2/",
    "/pos/5/x/",
    "/greedy/ab/",
    "/greedy/aab/",  # Django: no match (its prefix took "aab"), nor here
    "/after/",  # after the pattern the table leaves to Django
    "/api/anything",
]


@pytest.mark.parametrize("path", SWAPPED_PATHS)
def test_a_swapped_urlconf_resolves_as_django_resolves_it(settings, path: str) -> None:
    settings.ROOT_URLCONF = "creatorvault.tests.urls_resolve"
    try:
        expected = resolve(path)
    except Resolver404:
        with pytest.raises(Resolver404):
            FastResolver().resolve(path)
    else:
        assert_same_match(FastResolver().resolve(path), expected)


def test_the_table_follows_the_urlconf_when_it_changes(settings) -> None:
    fast = FastResolver()
    assert fast.resolve(f"/api/v1/{USER}/ideas").url_name == "user-idea-list"
    settings.ROOT_URLCONF = "creatorvault.tests.urls_resolve"  # clear_url_caches: a new resolver
    assert fast.resolve("/swapped/").url_name == "swapped"
    assert fast.resolve(f"/api/v1/{USER}/ideas").route == "^api/(?P<path>.*)$"
    assert not fast.table().complete  # it stopped at the look-behind
    with pytest.raises(Resolver404):
        fast.resolve("/nothing-here")


def test_what_the_table_cannot_reproduce_is_left_to_django(settings) -> None:
    settings.ROOT_URLCONF = "creatorvault.tests.urls_resolve"
    table = FastResolver().table()
    assert table.resolve("/after/") is None  # reached the look-behind's marker
    assert table.resolve("/n/3/") is None  # a converter's ValueError
    assert table.resolve("/n/4/") is not None
