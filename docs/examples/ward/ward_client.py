"""A minimal ward system for edoc, in Python: receive each document, check it, store it, report
01 (and, if asked, 03 and 06), acknowledge. docs/ward-integration.md explains every step; the edoc
test suite runs this file against a real exchange.

Needs pika and protobuf (Debian: apt-get install python3-pika python3-protobuf protobuf-compiler)
and code generated from edoc's proto/ folder:
    protoc -I proto --python_out=gen proto/edoc/v1/*.proto

Settings, from the environment (never on the command line: they hold passwords):
    WARD_CODE        the ward's organisation code, e.g. 000.32.13.H26
    WARD_AMQP_URL    amqp[s]://ward-<code>:<password>@<host>:<port>/<vhost>, given by edoc's administrators
    EDOC_URL         intake's base URL, which serves the files (it may have a path: https://host/edoc)
    EDOC_IDENTITY_URL  the identity service's base URL, for the ward-system user's sign-in
    WARD_USER, WARD_PASSWORD  the ward-system user (e.g. bachkhoa.system)
    WARD_OUT         where documents and the journal are kept (default: received)
    WARD_GEN         where the generated protobuf code is (default: gen)
    WARD_REPORT      statuses to report after 01, e.g. "03 06" (default: none)
"""
import hashlib
import json
import os
import signal
import sqlite3
import sys
import time
import urllib.error
import urllib.request
import uuid

import pika
import pika.exceptions
from google.protobuf.message import DecodeError

sys.path.insert(0, os.environ.get("WARD_GEN", "gen"))
from edoc.v1 import common_pb2, ward_pb2  # noqa: E402

CODE = os.environ["WARD_CODE"]
PARAMS = pika.URLParameters(os.environ["WARD_AMQP_URL"])
EDOC_URL = os.environ["EDOC_URL"].rstrip("/")
IDENTITY_URL = os.environ["EDOC_IDENTITY_URL"].rstrip("/")
OUT = os.environ.get("WARD_OUT", "received")
LATER = [int(status) for status in os.environ.get("WARD_REPORT", "").split()]
USER = PARAMS.credentials.username  # every report carries it as user_id: the broker checks it
QUEUES = [f"inbox.{CODE}.urgent", f"inbox.{CODE}"]  # urgent first
# A 403 "not recorded yet" means intake has not yet recorded this delivery: wait for it inside the
# handler, not by handing the message back (each hand-back counts towards the queue's delivery limit).
NOT_YET_WAIT_SECONDS = 120

os.makedirs(OUT, exist_ok=True)
journal = sqlite3.connect(os.path.join(OUT, "journal.sqlite"))
journal.execute("CREATE TABLE IF NOT EXISTS deliveries (key TEXT PRIMARY KEY, state TEXT NOT NULL, report_id TEXT NOT NULL)")
journal.execute("CREATE TABLE IF NOT EXISTS messages (message_id TEXT PRIMARY KEY, key TEXT NOT NULL)")
journal.execute("CREATE TABLE IF NOT EXISTS reports (key TEXT NOT NULL, status INTEGER NOT NULL, report_id TEXT NOT NULL, sent INTEGER NOT NULL, PRIMARY KEY (key, status))")


def say(line):
    print(line, flush=True)


class Unprocessable(Exception):
    """A message that can never be processed: nack without requeue (it goes to the dead-letter queue)."""


class Session:
    """The ward-system user's tokens: a 10-minute access token, renewed with the refresh token (good once), else a new sign-in."""

    def __init__(self):
        self.access = None
        self.refresh = None

    def _post(self, path, body):
        request = urllib.request.Request(f"{IDENTITY_URL}{path}", data=json.dumps(body).encode(), headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
        self.access, self.refresh = answer["accessToken"], answer["refreshToken"]

    def sign_in(self):
        self._post("/auth/login", {"username": os.environ["WARD_USER"], "password": os.environ["WARD_PASSWORD"]})

    def renew(self):
        try:
            self._post("/auth/refresh", {"refreshToken": self.refresh})
        except urllib.error.HTTPError:
            self.sign_in()

    def token(self):
        if self.access is None:
            self.sign_in()
        return self.access


session = Session()


def file_url(download_path, sha256):
    """download_path ("/files") is a path under EDOC_URL, whose own path (if any) is kept."""
    if not download_path.startswith("/"):
        raise Unprocessable(f"odd download path {download_path!r}")
    return f"{EDOC_URL}{download_path}/{sha256}"


def fetch_to(download_path, ref, target):
    """Streams the file to disk, hashing it on the way (it may be hundreds of MB); `target` appears only if it matches."""
    deadline = time.monotonic() + NOT_YET_WAIT_SECONDS
    while True:
        request = urllib.request.Request(file_url(download_path, ref.sha256), headers={"Authorization": f"Bearer {session.token()}"})
        try:
            response = urllib.request.urlopen(request, timeout=60)
            break
        except urllib.error.HTTPError as error:
            if error.code == 401:
                session.renew()
            elif error.code in (403, 404, 429, 503) and time.monotonic() < deadline:
                time.sleep(2)  # not recorded yet, or busy: the same message, a little later
            else:
                raise
    digest, size = hashlib.sha256(), 0
    with response, open(target + ".part", "wb") as f:
        while size <= ref.size and (chunk := response.read(1 << 20)):
            digest.update(chunk)
            size += len(chunk)
            f.write(chunk)
        f.flush()
        os.fsync(f.fileno())
    if size != ref.size or digest.hexdigest() != ref.sha256:
        os.remove(target + ".part")
        raise ValueError(f"file {ref.sha256}: the bytes do not match the claim check")
    os.replace(target + ".part", target)


def report(channel, delivery, key, status, reason="", again=False):
    """One status, under an id kept in the journal: a re-send (or, with again, a repeat) reuses it."""
    row = journal.execute("SELECT report_id, sent FROM reports WHERE key = ? AND status = ?", (key, status)).fetchone()
    if row is not None and row[1] and not again:
        return
    report_id = row[0] if row is not None else str(uuid.uuid4())
    with journal:
        journal.execute("INSERT OR IGNORE INTO reports VALUES (?, ?, ?, 0)", (key, status, report_id))
    body = ward_pb2.StatusReport(delivery_id=delivery.delivery_id, document_id=delivery.document_id, from_code=CODE, status=status, reason=reason)
    body.reported_at.GetCurrentTime()
    # In confirm mode basic_publish returns after the broker's confirm; it raises UnroutableError or
    # NackError when the broker refuses, and then nothing is marked sent: the next attempt re-sends.
    channel.basic_publish("edoc.status", CODE, body.SerializeToString(), pika.BasicProperties(
        message_id=report_id, type="edoc.v1.StatusReport", content_type="application/x-protobuf",
        delivery_mode=2, user_id=USER), mandatory=True)
    with journal:
        journal.execute("UPDATE reports SET sent = 1 WHERE key = ? AND status = ?", (key, status))
    say(f"{delivery.delivery_id} {status:02d} reported")


def decode(properties, body):
    if properties.type != "edoc.v1.Delivery":
        raise Unprocessable(f"type {properties.type!r}")
    try:
        delivery = ward_pb2.Delivery.FromString(body)
    except DecodeError as error:
        raise Unprocessable(f"not a Delivery: {error}")
    if delivery.recipient_code != CODE or len(delivery.file.sha256) != 64 or delivery.file.size <= 0:
        raise Unprocessable(f"delivery {delivery.delivery_id} is not a valid delivery for {CODE}")
    return delivery


def handle(channel, method, properties, body):
    if properties.type == "edoc.v1.ReportRefused":
        # edoc refused one of our reports (it changed nothing): tell whoever runs the ward, and go on.
        try:
            refusal = ward_pb2.ReportRefused.FromString(body)
        except DecodeError as error:
            raise Unprocessable(f"not a ReportRefused: {error}")
        say(f"{refusal.delivery_id} report {refusal.report_message_id} ({refusal.status:02d}) refused by edoc: {refusal.reason}")
        channel.basic_ack(method.delivery_tag)
        return
    delivery = decode(properties, body)
    # The Delivery's business_type decides: a recall, an update or a replacement of one delivery is
    # a message of its own, kept apart from the first one in the journal.
    key = delivery.delivery_id if delivery.business_type == 0 else f"{delivery.delivery_id}#{delivery.business_type}"
    row = journal.execute("SELECT state FROM deliveries WHERE key = ?", (key,)).fetchone()
    if row is None and properties.message_id:
        row = journal.execute("SELECT d.state FROM messages m JOIN deliveries d USING (key) WHERE m.message_id = ?", (properties.message_id,)).fetchone()
    if row is not None and row[0] == "done":
        # Repeat the 01 under its first id: edoc drops it if it has it, takes it if it lost it
        # (restored from a backup older than the report, the very case in which a delivery comes again).
        if delivery.business_type != common_pb2.BUSINESS_TYPE_RECALL:
            report(channel, delivery, key, common_pb2.STATUS_CODE_ARRIVED, again=True)
        say(f"{delivery.delivery_id} duplicate: dropped")
        channel.basic_ack(method.delivery_tag)
        return
    if row is None:
        if delivery.business_type != common_pb2.BUSINESS_TYPE_RECALL:  # a recall carries no file to keep
            fetch_to(delivery.download_path, delivery.file, os.path.join(OUT, f"{delivery.delivery_id}.pdf"))
            for n, ref in enumerate(delivery.attachments, 1):
                fetch_to(delivery.download_path, ref, os.path.join(OUT, f"{delivery.delivery_id}.attachment-{n}.pdf"))
        with journal:
            journal.execute("INSERT INTO deliveries VALUES (?, 'stored', '')", (key,))
            journal.execute("INSERT OR IGNORE INTO messages VALUES (?, ?)", (properties.message_id or key, key))
        say(f"{delivery.delivery_id} stored")
    if delivery.business_type == common_pb2.BUSINESS_TYPE_RECALL:
        report(channel, delivery, key, common_pb2.STATUS_CODE_RECALL_AGREED)
    else:
        report(channel, delivery, key, common_pb2.STATUS_CODE_ARRIVED)
        for status in LATER:
            # edoc applies reports concurrently: one sent a moment after the previous one is applied after it.
            channel.connection.sleep(0.5)
            report(channel, delivery, key, status)
    with journal:
        journal.execute("UPDATE deliveries SET state = 'done' WHERE key = ?", (key,))
    channel.basic_ack(method.delivery_tag)


def serve(channel):
    while True:
        for queue in QUEUES:
            method, properties, body = channel.basic_get(queue)
            if method is None:
                continue
            try:
                handle(channel, method, properties, body)
            except Unprocessable as error:
                say(f"rejected: {error}")
                channel.basic_nack(method.delivery_tag, requeue=False)
            except (OSError, ValueError) as error:  # edoc unreachable, a file that does not match, the disk
                say(f"will retry: {error}")
                channel.basic_nack(method.delivery_tag, requeue=True)
                channel.connection.sleep(5)
            break
        else:
            channel.connection.sleep(1)  # both queues empty


def run():
    backoff = 1
    while True:
        try:
            connection = pika.BlockingConnection(PARAMS)
            channel = connection.channel()
            channel.confirm_delivery()
            say(f"ward {CODE} consuming {', '.join(QUEUES)}")
            backoff = 1
            serve(channel)
        except (pika.exceptions.UnroutableError, pika.exceptions.NackError) as error:
            # A report the broker would not take (a routing or permission problem): the message stays
            # unacknowledged, comes back after the reconnection, and its report is sent again.
            say(f"report refused by the broker ({error}); reconnecting")
        except (pika.exceptions.ChannelClosedByBroker, pika.exceptions.ConnectionClosedByBroker) as error:
            say(f"the broker closed the channel ({error}); reconnecting")
        except pika.exceptions.AMQPConnectionError as error:
            say(f"broker connection lost ({error}); reconnecting")
        time.sleep(backoff)
        backoff = min(backoff * 2, 60)


if __name__ == "__main__":
    # A stop (SIGTERM from systemd, Kubernetes, a test) ends cleanly: what is not acknowledged comes back.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        run()
    except KeyboardInterrupt:
        pass
