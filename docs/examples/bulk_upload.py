"""Upload claims to Claimant's bulk route, reading the report while the file is still being sent.

Python's standard library only (3.8+). Usage:
    CLAIMANT_URL=http://localhost:3000 CLAIMANT_TOKEN=... python3 bulk_upload.py claims.jsonl [valid|all]

The server answers each thousand lines as soon as they are stored, while the client is still
sending. A client that sends the whole body before reading (requests.post(data=...), httpx) stops
reading while the report grows: past what the sockets buffer (about 200,000 lines) both sides
wait, and after 60 s the server ends the upload. So this sends from one thread and reads in the
other. Run it again with the same file after any interruption: the key is made from the file's
contents, so lines already stored are answered from the record and never stored twice.
"""

import hashlib
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse


def file_key(path):
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return "file-" + digest.hexdigest()


def upload_once(base, token, path, mode, key):
    url = urllib.parse.urlsplit(base)
    connection_class = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(url.hostname, url.port, timeout=600)
    connection.putrequest("POST", f"/api/v1/claims/bulk?mode={mode}")
    for name, value in {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/x-ndjson",
        "Accept": "application/json",
        "Idempotency-Key": key,
        "Transfer-Encoding": "chunked",
    }.items():
        connection.putheader(name, value)
    connection.endheaders()

    def send_body():
        try:
            with open(path, "rb") as source:
                for chunk in iter(lambda: source.read(1 << 16), b""):
                    connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            connection.send(b"0\r\n\r\n")
        except OSError:
            pass  # the server ended the upload: its answer says why

    sender = threading.Thread(target=send_body, daemon=True)
    sender.start()
    answer = connection.getresponse()  # arrives after the first thousand lines, while sending goes on
    if answer.status != 200:
        retry_after = answer.getheader("Retry-After")
        return answer.status, retry_after, json.loads(answer.read() or b"{}"), []
    stored, summary = [], None
    for raw in answer:  # one report line at a time, as the server writes them
        entry = json.loads(raw)
        if "summary" in entry:
            summary = entry["summary"]
        elif entry.get("ok"):
            stored.append((entry["line"], entry["id"]))
        else:
            print(f"line {entry['line']}: {entry['errors'][0]['message']}", file=sys.stderr)
    sender.join()
    return 200, None, summary, stored


def main():
    base, token = os.environ["CLAIMANT_URL"], os.environ["CLAIMANT_TOKEN"]
    path, mode = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "valid")
    key = file_key(path)
    for attempt in range(10):
        try:
            status, retry_after, summary, stored = upload_once(base, token, path, mode, key)
        except (OSError, http.client.HTTPException) as error:
            print(f"connection lost ({error}); sending the same file again", file=sys.stderr)
            time.sleep(2)
            continue
        if status in (429, 503, 507):
            time.sleep(int(retry_after or 5))
            continue
        if status != 200:
            sys.exit(f"refused ({status}): {summary}")
        if summary and summary["complete"]:
            print(json.dumps(summary))
            sys.exit(0 if summary["committed"] and summary["invalid"] == 0 else 1)
        time.sleep(2)  # stopped part-way: the same file again resumes it
    sys.exit("gave up after 10 attempts")


if __name__ == "__main__":
    main()
