"""Ideas API routes (included under `/api/v1/`): each with and without the trailing slash.

The `{user_id}` routes come last so that `ideas/…` is never read as a user id.
"""

from django.urls import URLPattern, re_path

from ideas.api.views import bulk, ideas, revisions, tags, trash

urlpatterns: list[URLPattern] = [
    re_path(r"^ideas/?$", ideas.IdeaListView.as_view(), name="idea-list"),
    # Before the detail route, which would read "bulk" as an idea id.
    re_path(r"^ideas/bulk/?$", bulk.IdeaBulkView.as_view(), name="idea-bulk"),
    re_path(r"^ideas/(?P<id>[^/]+)/stage/?$", ideas.IdeaStageView.as_view(), name="idea-stage"),
    re_path(
        r"^ideas/(?P<id>[^/]+)/revisions/?$",
        revisions.IdeaRevisionListView.as_view(),
        name="idea-revision-list",
    ),
    re_path(
        r"^ideas/(?P<id>[^/]+)/revisions/(?P<rev>[^/]+)/restore/?$",
        revisions.IdeaRevisionRestoreView.as_view(),
        name="idea-revision-restore",
    ),
    re_path(
        r"^ideas/(?P<id>[^/]+)/revisions/(?P<rev>[^/]+)/?$",
        revisions.IdeaRevisionDetailView.as_view(),
        name="idea-revision-detail",
    ),
    re_path(r"^ideas/(?P<id>[^/]+)/?$", ideas.IdeaDetailView.as_view(), name="idea-detail"),
    re_path(r"^tags/?$", tags.TagListView.as_view(), name="tag-list"),
    re_path(r"^tags/rename/?$", tags.TagRenameView.as_view(), name="tag-rename"),
    # A tag may hold "/" (percent-encoded by clients, decoded before routing): match up to the
    # optional trailing slash.
    re_path(r"^tags/(?P<tag>.+?)/?$", tags.TagDetailView.as_view(), name="tag-detail"),
    re_path(r"^trash/?$", trash.TrashListView.as_view(), name="trash-list"),
    re_path(r"^trash/(?P<id>[^/]+)/restore/?$", trash.TrashRestoreView.as_view(), name="trash-restore"),
    re_path(r"^trash/(?P<id>[^/]+)/?$", trash.TrashDetailView.as_view(), name="trash-detail"),
    re_path(r"^(?P<user_id>[^/]+)/ideas/?$", ideas.UserIdeaListView.as_view(), name="user-idea-list"),
    re_path(r"^(?P<user_id>[^/]+)/ideas/bulk/?$", bulk.UserIdeaBulkView.as_view(), name="user-idea-bulk"),
    re_path(
        r"^(?P<user_id>[^/]+)/ideas/(?P<id>[^/]+)/revisions/?$",
        revisions.UserIdeaRevisionListView.as_view(),
        name="user-idea-revision-list",
    ),
    re_path(
        r"^(?P<user_id>[^/]+)/ideas/(?P<id>[^/]+)/revisions/(?P<rev>[^/]+)/restore/?$",
        revisions.UserIdeaRevisionRestoreView.as_view(),
        name="user-idea-revision-restore",
    ),
    re_path(
        r"^(?P<user_id>[^/]+)/ideas/(?P<id>[^/]+)/revisions/(?P<rev>[^/]+)/?$",
        revisions.UserIdeaRevisionDetailView.as_view(),
        name="user-idea-revision-detail",
    ),
    re_path(
        r"^(?P<user_id>[^/]+)/ideas/(?P<id>[^/]+)/stage/?$",
        ideas.UserIdeaStageView.as_view(),
        name="user-idea-stage",
    ),
    re_path(
        r"^(?P<user_id>[^/]+)/ideas/(?P<id>[^/]+)/?$",
        ideas.UserIdeaDetailView.as_view(),
        name="user-idea-detail",
    ),
]
