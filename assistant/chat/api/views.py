"""Views of conversations: `/conversations`, `/conversations/{id}`, `/conversations/{id}/messages`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.scopes import Scope
from assistant.api.paging import cursor_page_args, cursor_page_parameters, cursor_pagination
from assistant.chat.api.serializers import (
    ConversationPageSerializer,
    ConversationSerializer,
    ConversationUpdateSerializer,
    MessagePageSerializer,
)
from assistant.chat.selectors import (
    conversation_get,
    conversation_page,
    conversation_view,
    message_page,
    message_ui,
)
from assistant.chat.services import conversation_delete, conversation_update
from creatorvault.api.openapi import LINKS_EXTENSION, link
from creatorvault.api.views import ApiView, user_path_variant

TAGS = ["assistant"]
ASSISTANT = Scope.ASSISTANT.value
PAGE_PARAMETERS = cursor_page_parameters(first="first")
CHAT_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="The chat id.")


def _conversation_links(conversation_id: str) -> dict[str, Any]:
    return {
        "GetConversation": link("getConversation", {"id": conversation_id}),
        "UpdateConversation": link("updateConversation", {"id": conversation_id}),
        "DeleteConversation": link("deleteConversation", {"id": conversation_id}),
        "ListConversationMessages": link("listConversationMessages", {"id": conversation_id}),
    }


#: A conversation (or the newest of a page) leads to its reads and writes (OpenAPI links).
CONVERSATION_LINKS = _conversation_links("$response.body#/data/id")
CONVERSATION_LIST_LINKS = _conversation_links("$response.body#/data/conversations/0/id")


class ConversationListView(ApiView):
    """`/conversations`: the caller's conversations."""

    required_scope = ASSISTANT
    reads_query_parameters = True

    @extend_schema(
        operation_id="listConversations",
        summary="List your conversations",
        description="Newest first, cursor-paginated (pages stay right while new chats start).",
        parameters=PAGE_PARAMETERS,
        responses={200: ConversationPageSerializer},
        tags=TAGS,
        extensions={LINKS_EXTENSION: {200: CONVERSATION_LIST_LINKS}},
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        """A page of conversations."""
        limit, cursor = cursor_page_args(dict(request.query_params.lists()))
        page = conversation_page(owner=self.caller, limit=limit, cursor=cursor)
        body = {
            "conversations": [conversation_view(c) for c in page.items],
            "pagination": cursor_pagination(page),
        }
        return Response(ConversationPageSerializer(body).data)


class ConversationDetailView(ApiView):
    """`/conversations/{id}`: one conversation."""

    required_scope = ASSISTANT

    @extend_schema(
        operation_id="getConversation",
        summary="Get a conversation",
        parameters=[CHAT_ID],
        responses={200: ConversationSerializer},
        tags=TAGS,
        extensions={LINKS_EXTENSION: {200: CONVERSATION_LINKS}},
    )
    def get(self, request: Request, id: str, **kwargs: Any) -> Response:
        """One conversation (404 for another creator's, exactly like a missing one)."""
        conversation = conversation_get(owner=self.caller, chat_id=id)
        return Response(ConversationSerializer(conversation_view(conversation)).data)

    @extend_schema(
        operation_id="updateConversation",
        summary="Rename a conversation or change its notes access",
        description="`notes_access`: `none` (notes never reach the model), `ask` (the chat asks you "
        "each time a tool would read notes), `allow` (they may).",
        parameters=[CHAT_ID],
        request=ConversationUpdateSerializer,
        responses={200: ConversationSerializer},
        tags=TAGS,
        extensions={LINKS_EXTENSION: {200: CONVERSATION_LINKS}},
    )
    def patch(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Change the title and/or the notes-access setting."""
        conversation = conversation_get(owner=self.caller, chat_id=id)
        serializer = ConversationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conversation = conversation_update(conversation, **serializer.validated_data)
        return Response(ConversationSerializer(conversation_view(conversation)).data)

    @extend_schema(
        operation_id="deleteConversation",
        summary="Delete a conversation",
        description="The conversation and every message go at once (204).",
        parameters=[CHAT_ID],
        responses={204: None},
        tags=TAGS,
    )
    def delete(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Delete the conversation and its messages."""
        conversation_delete(conversation_get(owner=self.caller, chat_id=id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConversationMessagesView(ApiView):
    """`/conversations/{id}/messages`: the messages, as `useChat` restores them."""

    required_scope = ASSISTANT
    reads_query_parameters = True

    @extend_schema(
        operation_id="listConversationMessages",
        summary="A conversation's messages",
        description="Oldest first, cursor-paginated, each in the AI SDK's `UIMessage` shape: pass "
        "`messages` to `useChat({id, messages})` to restore the chat.",
        parameters=[CHAT_ID, *PAGE_PARAMETERS],
        responses={200: MessagePageSerializer},
        tags=TAGS,
    )
    def get(self, request: Request, id: str, **kwargs: Any) -> Response:
        """A page of messages."""
        conversation = conversation_get(owner=self.caller, chat_id=id)
        limit, cursor = cursor_page_args(dict(request.query_params.lists()))
        page = message_page(conversation=conversation, limit=limit, cursor=cursor)
        body = {"messages": [message_ui(m) for m in page.items], "pagination": cursor_pagination(page)}
        return Response(MessagePageSerializer(body).data)


UserConversationListView = user_path_variant(ConversationListView)
UserConversationDetailView = user_path_variant(ConversationDetailView)
UserConversationMessagesView = user_path_variant(ConversationMessagesView)
