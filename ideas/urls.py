"""Ideas API routes (included under `/api/v1/`): each with and without the trailing slash.

The `{user_id}` routes come last so that `ideas/…` is never read as a user id.
"""

from django.urls import URLPattern, re_path

from ideas import views
from ideas import views_safety as safety

urlpatterns: list[URLPattern] = [
    re_path(r"^ideas/?$", views.IdeaListView.as_view(), name="idea-list"),
    # Before the detail route, which would read "bulk" as an idea id.
    re_path(r"^ideas/bulk/?$", safety.IdeaBulkView.as_view(), name="idea-bulk"),
    re_path(r"^ideas/(?P<id>[^/]+)/stage/?$", views.IdeaStageView.as_view(), name="idea-stage"),
    re_path(
        r"^ideas/(?P<id>[^/]+)/revisions/?$", safety.IdeaRevisionListView.as_view(), name="idea-revision-list"
    ),
    re_path(
        r"^ideas/(?P<id>[^/]+)/revisions/(?P<rev>[^/]+)/restore/?$",
        safety.IdeaRevisionRestoreView.as_view(),
        name="idea-revision-restore",
    ),
    re_path(
        r"^ideas/(?P<id>[^/]+)/revisions/(?P<rev>[^/]+)/?$",
        safety.IdeaRevisionDetailView.as_view(),
        name="idea-revision-detail",
    ),
    re_path(r"^ideas/(?P<id>[^/]+)/?$", views.IdeaDetailView.as_view(), name="idea-detail"),
    re_path(r"^tags/?$", views.TagListView.as_view(), name="tag-list"),
    re_path(r"^tags/rename/?$", safety.TagRenameView.as_view(), name="tag-rename"),
    # A tag may hold "/" (percent-encoded by clients, decoded before routing): match up to the
    # optional trailing slash.
    re_path(r"^tags/(?P<tag>.+?)/?$", safety.TagDetailView.as_view(), name="tag-detail"),
    re_path(r"^trash/?$", safety.TrashListView.as_view(), name="trash-list"),
    re_path(r"^trash/(?P<id>[^/]+)/restore/?$", safety.TrashRestoreView.as_view(), name="trash-restore"),
    re_path(r"^trash/(?P<id>[^/]+)/?$", safety.TrashDetailView.as_view(), name="trash-detail"),
    re_path(r"^(?P<user_id>[^/]+)/ideas/?$", views.UserIdeaListView.as_view(), name="user-idea-list"),
    re_path(r"^(?P<user_id>[^/]+)/ideas/bulk/?$", safety.UserIdeaBulkView.as_view(), name="user-idea-bulk"),
    re_path(
        r"^(?P<user_id>[^/]+)/ideas/(?P<id>[^/]+)/revisions/?$",
        safety.UserIdeaRevisionListView.as_view(),
        name="user-idea-revision-list",
    ),
    re_path(
        r"^(?P<user_id>[^/]+)/ideas/(?P<id>[^/]+)/revisions/(?P<rev>[^/]+)/restore/?$",
        safety.UserIdeaRevisionRestoreView.as_view(),
        name="user-idea-revision-restore",
    ),
    re_path(
        r"^(?P<user_id>[^/]+)/ideas/(?P<id>[^/]+)/revisions/(?P<rev>[^/]+)/?$",
        safety.UserIdeaRevisionDetailView.as_view(),
        name="user-idea-revision-detail",
    ),
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
