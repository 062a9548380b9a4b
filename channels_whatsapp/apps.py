from django.apps import AppConfig


class WhatsappConfig(AppConfig):
    name = "channels_whatsapp"
