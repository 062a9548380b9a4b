from django.urls import path

from . import canned_views, search_views, views
from .api import search as api_search
from .api import views as api_views

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/list/", views.conversation_list, name="conversation-list"),
    path("inbox/nav/", views.inbox_nav, name="inbox-nav"),
    path("inbox/conversations/<int:pk>/", views.conversation_pane, name="conversation-pane"),
    path("inbox/conversations/<int:pk>/messages/", views.conversation_messages, name="conversation-messages"),
    path("inbox/conversations/<int:pk>/seen/", views.conversation_seen_view, name="conversation-seen"),
    path("inbox/conversations/<int:pk>/version/", views.conversation_version, name="conversation-version"),
    path("inbox/conversations/<int:pk>/reply/", views.conversation_reply, name="conversation-reply"),
    path("inbox/conversations/<int:pk>/update/", views.conversation_update, name="conversation-update"),
    path("inbox/conversations/<int:pk>/template/", views.conversation_template, name="conversation-template"),
    path("inbox/conversations/<int:pk>/typing/", views.conversation_typing, name="conversation-typing"),
    path("inbox/conversations/<int:pk>/mentionable/", views.mention_candidates, name="conversation-mentionable"),
    path("inbox/notifications/", views.notification_check, name="notification-check"),
    path("inbox/messages/<int:pk>/retry/", views.message_retry, name="message-retry"),
    path("inbox/messages/<int:pk>/react/", views.message_react, name="message-react"),
    path("inbox/messages/<int:pk>/moderate/", views.comment_moderate, name="comment-moderate"),
    path("inbox/bulk/", views.conversations_bulk, name="conversations-bulk"),
    path("inbox/canned/", views.canned_search, name="canned-search"),
    path("inbox/canned/manage/", canned_views.canned_manage, name="canned-manage"),
    path("inbox/canned/manage/<int:pk>/", canned_views.canned_manage, name="canned-edit"),
    path("inbox/canned/manage/<int:pk>/delete/", canned_views.canned_delete, name="canned-delete"),
    path("inbox/preferences/", views.preferences, name="preferences"),
    path("inbox/availability/", views.availability_choose, name="availability-choose"),
    path("inbox/search/", search_views.search_results, name="inbox-search"),
]

api_urlpatterns = [
    path("conversations/", api_views.ConversationList.as_view(), name="api-conversation-list"),
    path("conversations/<int:pk>/", api_views.ConversationDetail.as_view(), name="api-conversation-detail"),
    path("conversations/<int:pk>/messages/", api_views.MessageListCreate.as_view(), name="api-message-list"),
    path("search/", api_search.Search.as_view(), name="api-search"),
    path("mentions/", api_views.MentionList.as_view(), name="api-mention-list"),
]
