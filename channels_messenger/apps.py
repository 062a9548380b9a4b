from django.apps import AppConfig


class MessengerConfig(AppConfig):
    name = "channels_messenger"
