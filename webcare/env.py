"""Small typed readers for settings that come from the environment (twelve-factor)."""

import os


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def secret_key_file(path) -> str:
    """The key stored at `path`, made (random, readable by the owner only) when missing.

    The key is written to a private temporary file that is then hard-linked into place: the
    link either appears complete or fails because the file exists. So of two processes
    starting at the same moment, one places its key and the other reads that one back, and
    both sign with the same key.
    """
    import secrets
    import tempfile
    from pathlib import Path

    path = Path(path)
    if path.exists():
        return _read_key(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as key_file:
            key_file.write(secrets.token_urlsafe(50) + "\n")
            key_file.flush()
            os.fsync(key_file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process placed its key first: use that one
    finally:
        os.unlink(temporary)
    return _read_key(path)


def _read_key(path) -> str:
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to have a new key made.")
    return key
