from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        user_logged_in.connect(_signed_in, dispatch_uid="inbox.availability.signed_in")
        user_logged_out.connect(_signed_out, dispatch_uid="inbox.availability.signed_out")


def _signed_in(sender, request, user, **kwargs) -> None:
    from .availability import agent_signed_in

    agent_signed_in(user_id=user.pk)


def _signed_out(sender, request, user, **kwargs) -> None:
    if user is None:  # the session had already expired
        return
    from .availability import agent_signed_out

    agent_signed_out(user_id=user.pk)
