"""A Messenger Platform channel's registry entry (a Page's Messenger, Instagram Direct): what
both declare the same way (Sender, window, processor, read receipts and typing through their
sender-action task, reactions, the Meta webhook routing and setup), from the channel's parts."""

from inbox import channel_registry

from . import setup


def messaging_channel(*, kind: str, label: str, sender, window, processor, parser, tasks_module: str, **more):
    """The `Channel` to register. `tasks_module` is the channel's tasks' dotted path (imported
    when an agent opens or types, after the apps are loaded); `more` holds the channel's own
    entries (setup form, connection test, command-line options...)."""

    def sender_action_task():
        from importlib import import_module

        return import_module(tasks_module).sender_action_task

    def conversation_opened(conversation) -> None:
        from kernel.tasks import enqueue_on_commit

        enqueue_on_commit(sender_action_task(), conversation.pk, "mark_seen")

    def agent_typing(conversation, agent) -> None:
        from kernel.tasks import enqueue_on_commit

        from .messaging_actions import typing_due

        if typing_due(conversation.pk):
            enqueue_on_commit(sender_action_task(), conversation.pk, "typing_on")

    return channel_registry.Channel(
        kind=kind,
        label=label,
        send=sender.message_send,
        window=window,
        process_webhook_event=processor.webhook_event_handle,
        process_webhook_events=processor.webhook_events_handle,
        conversation_opened=conversation_opened,
        agent_typing=agent_typing,
        attachment_kind=sender.attachment_kind,
        comment_moderate=sender.SENDER.comment_moderate,
        post_details=sender.SENDER.post_details,
        reactions=True,
        business_initiated_window=setup.BUSINESS_INITIATED_WINDOW,
        webhook_split=parser.webhook_split,
        setup_copy_values=setup.copy_values,
        **more,
    )
