from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from channels_email.urls import webhook_urlpatterns as email_webhooks
from channels_whatsapp.urls import api_urlpatterns as whatsapp_api
from contacts.urls import api_urlpatterns as contacts_api
from inbox import views as inbox_views
from inbox.urls import api_urlpatterns as inbox_api
from reporting.urls import api_urlpatterns as reporting_api
from workspace.people.views import invite_accept

from . import security, views

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/", views.healthz),
    path("accounts/login/", security.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", security.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/invite/<uidb64>/<token>/", invite_accept, name="invite-accept"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(inbox_api + contacts_api + whatsapp_api + reporting_api)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("attachments/<int:pk>/", inbox_views.attachment_download, name="attachment-download"),
    path("webhooks/whatsapp/", include("channels_whatsapp.urls")),
    path("webhooks/messenger/", include("channels_messenger.urls")),
    path("webhooks/instagram/", include("channels_instagram.urls")),
    path("webhooks/meta/", include("meta_platform.urls")),
    path("webhooks/email/", include(email_webhooks)),
    path("email/", include("channels_email.urls")),
    path("settings/", include("workspace.urls")),
    path("profile/", include("workspace.profile.urls")),
    path("setup/", include("workspace.setup.urls")),
    path("", include("contacts.urls")),
    path("", include("reporting.urls")),
    path("", include("automation.urls")),
    path("", include("livechat.urls")),
    path("", include("inbox.urls")),
]

handler500 = "webcare.security.server_error"
