from inbox.management.base import JsonCommand
from inbox.provisioning import agent_create


class Command(JsonCommand):
    help = "Create an agent, team lead or admin, optionally a member of some inboxes."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=["agent", "lead", "admin"])
        parser.add_argument("--inbox", action="append", type=int, default=[], dest="inboxes")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="")

    def run(self, *, username, password, role, inboxes, email, name, **options) -> dict:
        user = agent_create(username=username, password=password, role=role, inbox_ids=inboxes, email=email, name=name)
        return {"id": user.pk}
