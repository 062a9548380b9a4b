from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "automation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inbox.selectors import timeline_source_register

        from . import handlers
        from .rules import rule_runs_for_timeline

        handlers.register()
        timeline_source_register(rule_runs_for_timeline)
