"""Test-only URLconf for the fast resolver: what the project's URLconf does not exercise.

`path()` converters (one that refuses odd numbers, so Django tries the next pattern), an include
with a captured prefix and default kwargs, positional groups, an optional group, a prefix that
must not be backtracked into, a pattern the table cannot
reproduce (a look-behind) and patterns after it.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path, register_converter


class EvenConverter:
    """Digits, of an even number only: an odd one is a ValueError (the next pattern is tried)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        if int(value) % 2:
            raise ValueError(value)
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(EvenConverter, "even")


def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any view: the tests compare matches, they call nothing."""
    return HttpResponse("")


def other_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Another view, to tell matches apart."""
    return HttpResponse("")


nested = [
    path("items/<int:pk>/", view, name="item"),
    re_path(r"^plain/(\d+)/([a-z]+)?/?$", other_view, name="positional"),
    path("extra/", view, {"flag": True, "owner": "default"}, name="extra"),
]

team = [
    path("", include((nested, "inner"), namespace="inner-ns")),
    path("<slug:section>/", include(nested), {"owner": "team"}),
]

urlpatterns = [
    path("n/<even:number>/", view, name="even"),
    path("n/<int:number>/", other_view, name="any-number"),
    path("teams/<int:team>/", include((team, "teams"), namespace="teams")),
    re_path(r"^swapped/?$", view, name="swapped"),
    re_path(r"^opt/(?:(?P<page>[0-9]+)/)?$", view, name="optional"),  # an unmatched group: no kwarg
    re_path(r"^pos/([0-9]+)/", include([re_path(r"^([a-z]+)/$", view, name="positional-below")])),
    # Django matches the prefix once ("aab" of "aab/"); a regex would backtrack to "aa" for "b/".
    re_path(r"^greedy/(?P<word>[a-z]+)", include([re_path(r"^b/$", view, name="greedy-b")])),
    re_path(r"^(?<=/)behind/$", view, name="look-behind"),  # beyond the table: Django's
    re_path(r"^after/$", other_view, name="after"),
    re_path(r"^api/(?P<path>.*)$", other_view, name="api-not-found"),
]
