"""Setting up a Meta channel's inbox from the command line: the options both Meta channels share."""

import argparse
from datetime import timedelta

from inbox.channel_registry import InboxSetup

# Meta's platforms let the business write first (a bot's survey, say) only inside 24 hours of
# the customer's last message; Messenger's 7-day HUMAN_AGENT tag is for people, not bots.
BUSINESS_INITIATED_WINDOW = timedelta(hours=23, minutes=50)


def cli_arguments(parser: argparse.ArgumentParser, *, account_option: str) -> None:
    """`create_inbox <kind>`'s options: the account's id (`account_option`) and the app's secrets."""
    parser.add_argument(account_option, required=True)
    parser.add_argument("--access-token", required=True)
    parser.add_argument("--app-secret", required=True)
    parser.add_argument("--verify-token", required=True)


def cli_setup(options: dict, *, account_key: str, config: dict | None = None) -> InboxSetup:
    return InboxSetup(
        external_id=options[account_key],
        credentials={key: options[key] for key in ("access_token", "app_secret", "verify_token")},
        config=config or {},
    )
