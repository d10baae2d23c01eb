"""Chat routes (included under `/api/v1/`): both slash styles, and the `{user_id}` variants."""

from django.urls import URLPattern, re_path

from assistant.chat.api import chat, views

urlpatterns: list[URLPattern] = [
    re_path(r"^chat/?$", chat.ChatView.as_view(), name="chat"),
    re_path(r"^(?P<user_id>[^/]+)/chat/?$", chat.UserChatView.as_view(), name="user-chat"),
    re_path(r"^conversations/?$", views.ConversationListView.as_view(), name="conversation-list"),
    re_path(
        r"^conversations/(?P<id>[^/]+)/messages/?$",
        views.ConversationMessagesView.as_view(),
        name="conversation-messages",
    ),
    re_path(
        r"^conversations/(?P<id>[^/]+)/?$", views.ConversationDetailView.as_view(), name="conversation-detail"
    ),
    re_path(
        r"^(?P<user_id>[^/]+)/conversations/?$",
        views.UserConversationListView.as_view(),
        name="user-conversation-list",
    ),
    re_path(
        r"^(?P<user_id>[^/]+)/conversations/(?P<id>[^/]+)/messages/?$",
        views.UserConversationMessagesView.as_view(),
        name="user-conversation-messages",
    ),
    re_path(
        r"^(?P<user_id>[^/]+)/conversations/(?P<id>[^/]+)/?$",
        views.UserConversationDetailView.as_view(),
        name="user-conversation-detail",
    ),
]
