from django.urls import path

from . import views

app_name = "livechat"

urlpatterns = [
    path("widget/<str:key>.js", views.widget_script_view, name="widget"),
    path("livechat/<str:key>/upload/", views.visitor_upload, name="upload"),
    path("livechat/files/<str:signed>/", views.visitor_file, name="file"),
    path("livechat/demo/", views.demo_page, name="demo"),
    path("livechat/inboxes/", views.inbox_snippets, name="inboxes"),
    path("livechat/conversations/<int:pk>/seen/", views.ConversationSeen.as_view(), name="seen"),
    path("livechat/conversations/<int:pk>/typing/", views.AgentTyping.as_view(), name="typing"),
]
