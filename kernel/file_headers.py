"""The headers of every response that carries (or stands in for) a stored file."""

# A sandboxed document with no sources at all: nothing runs and nothing loads, even if a
# browser ever rendered a file's bytes as a page; and no guessing of a type we did not send.
FILE_POLICY = "default-src 'none'; sandbox"


def file_headers(response):
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response
