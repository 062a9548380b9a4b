from django.conf import settings

from demo.data import load_demo
from inbox.management.base import JsonCommand


class Command(JsonCommand):
    help = "Load the demo data once (inboxes, agents, customers) and print the demo logins."

    def run(self, **options) -> dict:
        result = load_demo()
        self.stdout.write(f"\nDemo logins ({settings.PUBLIC_URL}/accounts/login/):")
        for login in result["logins"]:
            self.stdout.write(f"  {login['username']:<8} {login['password']:<14} {login['role']}")
        return result
