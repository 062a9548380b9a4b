from django.apps import AppConfig


class MetaPlatformConfig(AppConfig):
    name = "meta_platform"
    verbose_name = "Meta platform"
    default_auto_field = "django.db.models.BigAutoField"
