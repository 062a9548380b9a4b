from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self):
        from inbox import hooks

        from . import surveys

        hooks.on_conversation_resolved(surveys.survey_send)
        hooks.on_inbound_claim(surveys.survey_inbound_claim, applies=surveys.survey_claim_possible)
