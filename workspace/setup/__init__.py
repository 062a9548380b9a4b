"""The first-run page: the first admin of a fresh installation, made in the browser."""
