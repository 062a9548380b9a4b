"""Fault test: the email poller is killed (SIGKILL) in the middle of a poll, then started
again. Prints PASS or FAIL per claim.

A real IMAP server (Debian's dovecot, as in the tests) holds --mails emails; `manage.py
email_poll --loop` reads them into a scratch database; once some are stored it is killed
without warning, and started again.

Claims:
- every email arrives as exactly one message (none lost, none twice);
- every email is stored raw exactly once, and all are marked seen on the server;
- with `--after move` (the inbox moves processed mail to a folder): all of them left the folder
  that is read, and the processed folder holds each exactly once.

    createdb -h 127.0.0.1 -U postgres webcare_faults   # once; the script migrates it
    .venv/bin/python bench/faults/email_poller_kill.py \
        --database-url postgres://postgres@127.0.0.1:5432/webcare_faults [--after move]
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.channels_email.dovecot import PASSWORD, Dovecot  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (required: migrated, written to)")
    parser.add_argument("--mails", type=int, default=150)
    parser.add_argument("--after", choices=["seen", "move"], default="seen", help="what becomes of processed mail")
    args = parser.parse_args()
    if not args.database_url:
        print("skipped: give --database-url of a scratch PostgreSQL database (it is migrated and written to)")
        return 0
    env = {**os.environ, "DATABASE_URL": args.database_url, "SECRET_KEY": "email-poller-kill-secret", "DEBUG": "0"}
    env.pop("REDIS_URL", None)  # tasks in-process: the poller is the only worker there is
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
    run = str(int(time.time()))
    server = Dovecot(Path(tempfile.mkdtemp(prefix="webcare-fault-dovecot-")), free_port())
    server.start()
    try:
        user = f"kill{run}"
        created = subprocess.run(
            [*manage, "create_inbox", "email", "--name", f"kill {run}", "--address", f"{user}@acme.test",
             "--imap-host", "127.0.0.1", "--imap-port", str(server.port), "--imap-user", user,
             "--imap-password", PASSWORD, "--smtp-host", "127.0.0.1", "--smtp-port", "9", "--no-tls"],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        inbox_id = json.loads(created.stdout.strip().splitlines()[-1])["id"]
        if args.after == "move":
            configure = (f"from inbox.models import Inbox; i = Inbox.objects.get(pk={inbox_id}); "
                         "i.config = {**i.config, 'after_processing': 'move', "
                         "'processed_folder': 'Webcare/Processed'}; i.save()")  # fmt: skip
            subprocess.run([*manage, "shell", "-c", configure], env=env, check=True)
        for n in range(args.mails):
            mail = EmailMessage()
            mail["From"] = f"Customer {n} <customer{n}@example.org>"
            mail["To"] = f"{user}@acme.test"
            mail["Subject"] = f"Question {n} ({run})"
            mail["Message-ID"] = f"<fault-{run}-{n}@example.org>"
            mail.set_content(f"Question number {n}.")
            server.append(user, mail.as_bytes())
        count = f"from channels_email.models import RawEmail as R; from inbox.models import Message as M; print(R.objects.filter(inbox_id={inbox_id}).count(), M.objects.filter(inbox_id={inbox_id}).count(), M.objects.filter(inbox_id={inbox_id}).values('external_id').distinct().count())"  # noqa: E501

        def counts() -> tuple[int, int, int]:
            out = subprocess.run([*manage, "shell", "-c", count], env=env, capture_output=True, text=True).stdout
            return tuple(int(x) for x in out.split()[-3:])

        poller = subprocess.Popen([*manage, "email_poll", "--inbox", str(inbox_id), "--loop", "--interval", "1"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and counts()[0] < args.mails // 3:
            time.sleep(0.2)
        poller.send_signal(signal.SIGKILL)
        poller.wait()
        at_kill = counts()
        print(f"killed the poller with {at_kill[0]} emails stored and {at_kill[1]} messages made")
        poller = subprocess.Popen([*manage, "email_poll", "--inbox", str(inbox_id), "--loop", "--interval", "1"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        started = time.monotonic()
        while time.monotonic() - started < 600 and counts()[1] < args.mails:
            time.sleep(1)
        poller.send_signal(signal.SIGTERM)
        poller.wait()
        raw, messages, distinct = counts()
        if args.after == "move":
            left = server.folder(user, "INBOX")
            moved = [message_id for message_id, _deleted in server.folder(user, "Webcare.Processed")]
        else:
            seen = len(server.seen_uids(user))
    finally:
        server.stop()
    claims = [
        (messages == args.mails == distinct, f"every email is one message: {messages} messages, {distinct} distinct, "
                                             f"{args.mails} sent"),
    ]  # fmt: skip
    if args.after == "move":
        claims.append(
            (raw == args.mails and not left and len(moved) == len(set(moved)) == args.mails,
             f"stored raw once and moved once: {raw} stored, {len(left)} left in INBOX, {len(moved)} moved "
             f"({len(set(moved))} distinct)")
        )  # fmt: skip
    else:
        claims.append(
            (raw == args.mails and seen == args.mails, f"stored raw once and seen: {raw} stored, {seen} seen")
        )
    for ok, claim in claims:
        print(("PASS " if ok else "FAIL ") + claim)
    return 0 if all(ok for ok, _ in claims) else 1


if __name__ == "__main__":
    sys.exit(main())
