"""Shared bits of Webcare's management commands: one JSON object on the last line."""

import json

from django.core.management.base import BaseCommand, CommandError

from inbox.provisioning import ProvisioningError


class JsonCommand(BaseCommand):
    """Subclasses implement `run(**options) -> dict`; the dict is printed as the last line."""

    def run(self, **options) -> dict:
        raise NotImplementedError

    def handle(self, *args, **options):
        try:
            result = self.run(**options)
        except ProvisioningError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False))
