from demo.data import seed_demo
from inbox.management.base import JsonCommand


class Command(JsonCommand):
    help = "Bulk demo data for benchmarks: N conversations with M messages each, spread over all channels."

    def add_arguments(self, parser):
        parser.add_argument("--conversations", type=int, default=1000)
        parser.add_argument("--messages-per-conversation", type=int, default=10)
        parser.add_argument("--inboxes", type=int, default=None, help="default: one per channel")

    def run(self, *, conversations, messages_per_conversation, inboxes, **options) -> dict:
        def progress(done, total, seconds):
            self.stdout.write(f"  {done:,}/{total:,} conversations in {seconds:.1f}s")

        return seed_demo(
            conversations=conversations,
            messages_per_conversation=messages_per_conversation,
            inboxes=inboxes,
            progress=progress,
        )
