"""A real IMAP server for the tests: Debian's dovecot-imapd with a config of its own in a temp
directory, on a free port, plain login (any user, one password), maildirs under the temp dir."""

import imaplib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "imap-secret"

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = 0
first_valid_gid = 0
default_login_user = {login}
default_internal_user = {internal}
default_internal_group = {group}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  inet_listener http {{
    port = 0
  }}
}}
{extra}
"""

# What dovecot names after the login, less MOVE: a server that has to be told COPY, \Deleted, EXPUNGE.
WITHOUT_MOVE = (
    "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN "
    "NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE ESEARCH LITERAL+"
)


class Dovecot:
    def __init__(self, root: Path, port: int, *, capabilities: str = "") -> None:
        """`capabilities`: what the server names after the login instead of its own list."""
        self.root, self.port = root, port
        self.capabilities = capabilities
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import grp
        import pwd

        user = pwd.getpwuid(os.getuid())
        # Its login and internal processes refuse to run as root: as root (CI), the package's users.
        login, internal, group = (user.pw_name, user.pw_name, grp.getgrgid(user.pw_gid).gr_name)
        uid, gid = user.pw_uid, user.pw_gid
        if os.getuid() == 0:
            login, internal, group = "dovenull", "dovecot", "dovecot"
            # Nor may mail be read as root: the maildirs belong to the dovecot user.
            uid, gid = pwd.getpwnam("dovecot").pw_uid, grp.getgrnam("dovecot").gr_gid
        self.root.chmod(0o755)
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("mail", "home"):
            os.chown(self.root / sub, uid, gid)
        config = self.root / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                password=PASSWORD,
                uid=uid,
                gid=gid,
                login=login,
                internal=internal,
                group=group,
                extra=f"imap_capability = {self.capabilities}" if self.capabilities else "",
            )  # fmt: skip
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stdout.read().decode()} {self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not listen on {self.port}: {self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def client(self, user: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(user, PASSWORD)
        return client

    def append(self, user: str, raw: bytes, *, seen: bool = False, folder: str = "INBOX") -> None:
        """Deliver one email into the user's folder, as a mail server would (IMAP APPEND)."""
        client = self.client(user)
        try:
            status, data = client.append(folder, "(\\Seen)" if seen else "", None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def seen_uids(self, user: str, folder: str = "INBOX") -> list[int]:
        client = self.client(user)
        try:
            client.select(folder)
            return [int(uid) for uid in client.uid("SEARCH", None, "SEEN")[1][0].split()]
        finally:
            client.logout()

    def folder(self, user: str, folder: str) -> list[tuple[str, bool]]:
        """The Message-IDs in one of the user's folders, in UID order, each with whether it
        carries \\Deleted (mail marked for removal but still there)."""
        client = self.client(user)
        try:
            status, _ = client.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            found = []
            for part in client.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")[1]:
                if isinstance(part, tuple):
                    message_id = part[1].decode().split(":", 1)[-1].strip()
                    found.append((message_id, b"\\Deleted" in part[0]))
            return found
        finally:
            client.logout()

    def folders(self, user: str) -> list[str]:
        client = self.client(user)
        try:
            return [line.decode().rsplit(" ", 1)[-1].strip('"') for line in client.list()[1] if line]
        finally:
            client.logout()
