"""Ideas API routes (included under `/api/v1/`): each with and without the trailing slash.

The `{user_id}` routes come last so that `ideas/…` is never read as a user id.
"""

from django.urls import URLPattern, re_path

from ideas import views

urlpatterns: list[URLPattern] = [
    re_path(r"^ideas/?$", views.IdeaListView.as_view(), name="idea-list"),
    re_path(r"^ideas/(?P<id>[^/]+)/stage/?$", views.IdeaStageView.as_view(), name="idea-stage"),
    re_path(r"^ideas/(?P<id>[^/]+)/?$", views.IdeaDetailView.as_view(), name="idea-detail"),
    re_path(r"^tags/?$", views.TagListView.as_view(), name="tag-list"),
    re_path(r"^(?P<user_id>[^/]+)/ideas/?$", views.UserIdeaListView.as_view(), name="user-idea-list"),
    re_path(
        r"^(?P<user_id>[^/]+)/ideas/(?P<id>[^/]+)/stage/?$",
        views.UserIdeaStageView.as_view(),
        name="user-idea-stage",
    ),
    re_path(
        r"^(?P<user_id>[^/]+)/ideas/(?P<id>[^/]+)/?$",
        views.UserIdeaDetailView.as_view(),
        name="user-idea-detail",
    ),
]
