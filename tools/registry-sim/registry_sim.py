#!/usr/bin/env python3
"""CPAR registry simulator: the SPEC §7 protocol over HTTPS (optionally mutual TLS), with faults.

TEST TOOL ONLY. Binds 127.0.0.1. See tools/README.md for the command line, the faults file and
the request record. Python 3.11 standard library only.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape, quoteattr

# Shared helpers live beside the tool folders (tools/helperlib.py).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from helperlib import watch_parent, write_atomic  # noqa: E402

NS = "urn:cpard:registry:1"
MAX_BODY = 64 * 1024 * 1024
HUGE_BODY = 2 * 1024 * 1024
SOCKET_TIMEOUT = 120
MODES = ("accept", "accept_sync", "reject", "reject_sync", "never_ack")
DEFAULT_ERRORS = [{"code": "REJECTED", "message": "Rejected by the registry simulator"}]
# fault counter name -> the key holding its count
POST_FAULTS = (("drop", "drop_count"), ("fail", "fail_count"),
               ("garbage", "garbage_count"), ("huge", "huge_count"))
FAULT_DEFAULTS = {
    "mode": "accept", "ack_after_polls": 0, "errors": DEFAULT_ERRORS,
    "fail_status": 503, "fail_count": 0, "retry_after": None, "slow_seconds": 0,
    "drop_count": 0, "garbage_count": 0, "huge_count": 0,
    "poll_fail_status": 503, "poll_fail_count": 0,
    "tracking_id": None, "pad_header_bytes": 0,
}
# faults whose value is a string (or null) rather than a number
STRING_FAULTS = ("tracking_id",)

VERBOSE = False


def log(msg: str) -> None:
    try:
        print(f"registry-sim: {msg}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass  # stderr gone (parent died): stay silent


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")



class FaultsError(Exception):
    pass


def parse_faults(path: str, raw: bytes) -> dict:
    """Validate a faults file; unknown keys and wrong types are errors (they are usually typos)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise FaultsError(f"faults file {path}: not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise FaultsError(f"faults file {path}: top level must be a JSON object")
    unknown = sorted(set(data) - set(FAULT_DEFAULTS))
    if unknown:
        raise FaultsError(f"faults file {path}: unknown key(s) {', '.join(unknown)}")
    faults = dict(FAULT_DEFAULTS)
    faults.update(data)
    if faults["mode"] not in MODES:
        raise FaultsError(f"faults file {path}: 'mode' must be one of {', '.join(MODES)}")
    for key in STRING_FAULTS:
        value = faults[key]
        if value is not None and (not isinstance(value, str) or not value or "\r" in value or "\n" in value):
            raise FaultsError(f"faults file {path}: '{key}' must be null or a one-line non-empty string")
    for key in FAULT_DEFAULTS:
        if key in ("mode", "errors") or key in STRING_FAULTS:
            continue
        value = faults[key]
        if key == "retry_after" and (value is None or isinstance(value, str)):
            continue
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not numeric or value < 0 or (key != "slow_seconds" and not isinstance(value, int)):
            raise FaultsError(f"faults file {path}: '{key}' must be a non-negative "
                              f"{'number' if key == 'slow_seconds' else 'integer'}")
    for key in ("fail_status", "poll_fail_status"):
        if not 100 <= faults[key] <= 599:
            raise FaultsError(f"faults file {path}: '{key}' must be an HTTP status (100-599)")
    errors = faults["errors"]
    if not isinstance(errors, list) or not all(
            isinstance(e, dict) and isinstance(e.get("code"), str) and isinstance(e.get("message", ""), str)
            for e in errors):
        raise FaultsError(f"faults file {path}: 'errors' must be a list of {{\"code\", \"message\"}} objects")
    return faults


def receipt_xml(tracking_id: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Receipt xmlns="{NS}">'
            f"<TrackingId>{escape(tracking_id)}</TrackingId></Receipt>\n").encode()


def ack_xml(tracking_id: str, status: str, errors: list[dict] | None = None) -> bytes:
    errs = "".join(f"<Error code={quoteattr(e['code'])}>{escape(e.get('message', ''))}</Error>"
                   for e in errors or [])
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Acknowledgement xmlns="{NS}" status="{status}">'
            f"<TrackingId>{escape(tracking_id)}</TrackingId>{errs}</Acknowledgement>\n").encode()


_XMLLINT_LINE = re.compile(r"^-:(\d+): (?:element (\S+): )?(.*?) ?: ")


def schema_check(xsd: str, body: bytes) -> tuple[bool, str, str]:
    """Run xmllint; returns (valid, privacy-safe message, full xmllint output).

    The message never repeats values from the payload (xmllint quotes them), so a client that
    logs the registry's error text cannot leak patient data through it.
    """
    try:
        proc = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", xsd, "-"], input=body,
                              capture_output=True, timeout=120)
    except FileNotFoundError:
        raise RuntimeError("xmllint not found in PATH (apt-get install libxml2-utils)") from None
    output = proc.stderr.decode("utf-8", "replace")
    if proc.returncode == 0:
        return True, "", output
    if proc.returncode == 5:
        raise RuntimeError(f"xmllint could not load the schema {xsd}: {output.strip()}")
    problems = [ln for ln in output.splitlines() if _XMLLINT_LINE.match(ln)]
    if not problems:
        return False, "Payload does not match the schema", output
    m = _XMLLINT_LINE.match(problems[0])
    line, element, kind = m.group(1), m.group(2), m.group(3)
    what = f"element {element}" if element else ("not well-formed XML" if "parser" in kind else kind)
    return False, f"Payload does not match the schema: {len(problems)} error(s), first at line {line} ({what})", output


@dataclass
class Reply:
    status: int | None                      # None: drop the connection without answering
    body: bytes = b""
    content_type: str = "application/xml; charset=utf-8"
    headers: dict = field(default_factory=dict)
    outcome: str = ""
    tracking_id: str | None = None
    duplicate: bool = False
    ack_status: str | None = None
    xsd_valid: bool | None = None
    close: bool = False
    xmllint: str | None = None              # xmllint's full output, kept as bodies/<n>.xmllint.txt


def text_reply(status: int, outcome: str, message: str, close: bool = False) -> Reply:
    return Reply(status, (message + "\n").encode(), "text/plain; charset=utf-8", outcome=outcome, close=close)


class Registry:
    """All simulator state. Submissions survive a restart with the same --record-dir (state.json)."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.lock = threading.Lock()
        self.dir = args.record_dir
        os.makedirs(os.path.join(self.dir, "bodies"), exist_ok=True)
        self.requests_path = os.path.join(self.dir, "requests.jsonl")
        self.state_path = os.path.join(self.dir, "state.json")
        self.n = 0
        if os.path.exists(self.requests_path):
            with open(self.requests_path, "rb") as f:
                self.n = sum(1 for _ in f)
        self.subs: dict[str, dict] = {}
        self.keys: dict[str, str] = {}
        if os.path.exists(self.state_path):
            with open(self.state_path, encoding="utf-8") as f:
                state = json.load(f)
            self.subs, self.keys = state["submissions"], state["keys"]
        self.fault_sig = None
        self.used = {name: 0 for name, _ in POST_FAULTS} | {"poll_fail": 0}

    # -- faults -----------------------------------------------------------------------------
    def current_faults(self) -> dict:
        """Re-read the faults file; counters restart whenever it changes. Call with the lock held."""
        path = self.args.faults
        raw, sig = None, None
        if path:
            try:
                with open(path, "rb") as f:
                    st = os.fstat(f.fileno())
                    raw = f.read()
                sig = (st.st_ino, st.st_mtime_ns, hashlib.sha256(raw).hexdigest())
            except FileNotFoundError:
                pass
        if sig != self.fault_sig:
            self.fault_sig = sig
            self.used = {k: 0 for k in self.used}
        return parse_faults(path, raw) if raw is not None else dict(FAULT_DEFAULTS)

    def take(self, faults: dict, name: str, count_key: str) -> bool:
        if self.used[name] < faults[count_key]:
            self.used[name] += 1
            return True
        return False

    # -- submissions --------------------------------------------------------------------------
    def save_state(self) -> None:
        write_atomic(self.state_path, json.dumps({"submissions": self.subs, "keys": self.keys}).encode())

    def new_submission(self, key: str | None, status: str | None, errors: list | None,
                       tracking_id: str | None = None) -> str:
        # A forced tracking ID (fault 'tracking_id') answers a new key with an ID the registry already gave out.
        tid = tracking_id or str(uuid.uuid4())
        # sync: answered 200 + acknowledgement at POST time (accept_sync, reject_sync)
        self.subs[tid] = {"key": key, "status": status, "errors": errors or [], "polls": 0,
                          "sync": status is not None}
        if key is not None:
            self.keys[key] = tid
        self.save_state()
        return tid

    # -- recording ----------------------------------------------------------------------------
    def record(self, entry: dict, body: bytes | None, xmllint: str | None = None) -> None:
        """Append one request line (and the POST body). Call with the lock held, before replying."""
        self.n += 1
        entry = {"n": self.n, "time": utc_now()} | entry
        if body is not None:
            with open(os.path.join(self.dir, "bodies", f"{self.n}.xml"), "wb") as f:
                f.write(body)
        if xmllint is not None:
            with open(os.path.join(self.dir, "bodies", f"{self.n}.xmllint.txt"), "w", encoding="utf-8") as f:
                f.write(xmllint)
        with open(self.requests_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
            f.flush()

    def record_tls_error(self, peer, error: Exception) -> None:
        with self.lock:
            with open(os.path.join(self.dir, "tls_errors.jsonl"), "a", encoding="utf-8") as f:
                f.write(json.dumps({"time": utc_now(), "peer_port": peer[1], "error": str(error)}) + "\n")
        if VERBOSE:
            log(f"TLS handshake failed: {error}")


class BodyError(Exception):
    def __init__(self, status: int, outcome: str, message: str):
        super().__init__(message)
        self.status, self.outcome = status, outcome


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cpard-registry-sim/1"
    server: "SimServer"

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        if VERBOSE:
            log(f"{self.address_string()} {format % args}")

    # -- plumbing -----------------------------------------------------------------------------
    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(1024)
                try:
                    size = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    raise BodyError(400, "error:bad_request", "malformed chunked body") from None
                if size == 0:
                    while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise BodyError(413, "error:too_large", "request body over 64 MiB")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(16)
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            size = int(length)
            if size < 0:
                raise ValueError
        except ValueError:
            raise BodyError(400, "error:bad_request", "bad Content-Length") from None
        if size > MAX_BODY:
            raise BodyError(413, "error:too_large", "request body over 64 MiB")
        body = self.rfile.read(size)
        if len(body) != size:
            raise BodyError(400, "error:bad_request", "request body shorter than Content-Length")
        return body

    def client_cn(self) -> str | None:
        getpeercert = getattr(self.connection, "getpeercert", None)
        cert = getpeercert() if getpeercert else None
        for rdn in (cert or {}).get("subject", ()):
            for name, value in rdn:
                if name == "commonName":
                    return value
        return None

    def authorized(self) -> bool:
        token = self.server.args.token
        return token is None or self.headers.get("Authorization") == f"Bearer {token}"

    def send(self, reply: Reply) -> None:
        if reply.status is None:
            self.close_connection = True
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        reg = self.server.registry
        with reg.lock:
            try:
                pad = reg.current_faults()["pad_header_bytes"]
            except FaultsError:
                pad = 0
        if pad:
            self.send_header("X-Pad", "x" * pad)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(reply.body)

    def serve(self, method: str) -> None:
        reg = self.server.registry
        body: bytes | None = None
        try:
            body = self.read_body() if method == "POST" else b""
            reply = self.post(body) if method == "POST" else self.get()
        except BodyError as e:
            reply = text_reply(e.status, e.outcome, str(e), close=True)
        except FaultsError as e:
            log(str(e))
            reply = text_reply(500, "error:faults_file", "simulator faults file is invalid (see simulator stderr)")
        except RuntimeError as e:
            log(str(e))
            reply = text_reply(500, "error:simulator", str(e))
        with reg.lock:
            slow = 0.0
            try:
                slow = reg.current_faults()["slow_seconds"]
            except FaultsError:
                pass
            reg.record({
                "method": method, "path": self.path,
                "idempotency_key": self.headers.get("Idempotency-Key"),
                "content_type": self.headers.get("Content-Type"),
                "authorization": self.headers.get("Authorization") is not None,
                "client_cert_cn": self.client_cn(),
                "bytes": len(body) if body is not None else None,
                "sha256": hashlib.sha256(body).hexdigest() if method == "POST" and body is not None else None,
                "xsd_valid": reply.xsd_valid, "status": reply.status, "outcome": reply.outcome,
                "tracking_id": reply.tracking_id, "duplicate": reply.duplicate, "ack_status": reply.ack_status,
            }, body if method == "POST" else None, reply.xmllint)
        if slow:
            time.sleep(slow)
        try:
            self.send(reply)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, TimeoutError):
            self.close_connection = True

    def do_POST(self):  # noqa: N802
        self.serve("POST")

    def do_GET(self):  # noqa: N802
        self.serve("GET")

    # -- protocol -----------------------------------------------------------------------------
    def post(self, body: bytes) -> Reply:
        reg, args = self.server.registry, self.server.args
        with reg.lock:
            faults = reg.current_faults()
            fault = next((name for name, key in POST_FAULTS if reg.take(faults, name, key)), None)
        if fault == "drop":
            return Reply(None, outcome="fault:drop")
        if fault == "fail":
            headers = {} if faults["retry_after"] is None else {"Retry-After": str(faults["retry_after"])}
            return Reply(faults["fail_status"], b"simulated failure\n", "text/plain; charset=utf-8",
                         headers, outcome="fault:status")
        if fault == "garbage":
            return Reply(202, b"<<this is not XML>> \x00\xff", outcome="fault:garbage")
        if fault == "huge":
            head = receipt_xml("HUGE").replace(b"</Receipt>", b"<!-- ")
            tail = b" --></Receipt>\n"
            return Reply(202, head + b"x" * (HUGE_BODY - len(head) - len(tail)) + tail, outcome="fault:huge")
        if not self.authorized():
            return text_reply(401, "error:unauthorized", "missing or wrong bearer token")
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != "application/xml":
            return text_reply(415, "error:content_type", "Content-Type must be application/xml")
        key = self.headers.get("Idempotency-Key", "").strip()
        if not key:
            return text_reply(400, "error:idempotency_key", "Idempotency-Key header is required")
        xsd_valid = None
        if args.xsd:
            xsd_valid, message, output = schema_check(args.xsd, body)
            if not xsd_valid:
                errors = [{"code": "SCHEMA", "message": message}]
                with reg.lock:
                    tid = reg.new_submission(None, "rejected", errors)
                return Reply(400, ack_xml(tid, "rejected", errors), outcome="schema_invalid",
                             tracking_id=tid, ack_status="rejected", xsd_valid=False, xmllint=output)
        with reg.lock:
            tid = reg.keys.get(key)
            duplicate = tid is not None
            if not duplicate:
                mode = faults["mode"]
                status = {"accept_sync": "accepted", "reject_sync": "rejected"}.get(mode)
                errors = faults["errors"] if status == "rejected" else []
                tid = reg.new_submission(key, status, errors, faults["tracking_id"])
            sub = reg.subs[tid]
        if sub["sync"]:
            return Reply(200, ack_xml(tid, sub["status"], sub["errors"]), outcome="ack", tracking_id=tid,
                         duplicate=duplicate, ack_status=sub["status"], xsd_valid=xsd_valid)
        return Reply(202, receipt_xml(tid), outcome="receipt", tracking_id=tid, duplicate=duplicate,
                     xsd_valid=xsd_valid)

    def get(self) -> Reply:
        reg = self.server.registry
        if not self.authorized():
            return text_reply(401, "error:unauthorized", "missing or wrong bearer token")
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        tid = parts[-1] if len(parts) >= 2 else None
        with reg.lock:
            faults = reg.current_faults()
            if reg.take(faults, "poll_fail", "poll_fail_count"):
                headers = {} if faults["retry_after"] is None else {"Retry-After": str(faults["retry_after"])}
                return Reply(faults["poll_fail_status"], b"simulated failure\n", "text/plain; charset=utf-8",
                             headers, outcome="fault:poll_status", tracking_id=tid)
            sub = reg.subs.get(tid) if tid else None
            if sub is None:
                return text_reply(404, "not_found", "unknown tracking ID")
            if sub["status"] is None:
                sub["polls"] += 1
                if sub["polls"] > faults["ack_after_polls"] and faults["mode"] != "never_ack":
                    if faults["mode"] in ("accept", "accept_sync"):
                        sub["status"], sub["errors"] = "accepted", []
                    else:
                        sub["status"], sub["errors"] = "rejected", faults["errors"]
                reg.save_state()
            status = sub["status"] or "processing"
            return Reply(200, ack_xml(tid, status, sub["errors"] if sub["status"] else []), outcome="ack",
                         tracking_id=tid, ack_status=status)


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, args: argparse.Namespace, registry: Registry, ssl_ctx: ssl.SSLContext | None):
        self.args, self.registry, self.ssl_ctx = args, registry, ssl_ctx
        super().__init__(("127.0.0.1", args.port), Handler)

    def finish_request(self, request, client_address):
        """Runs in the connection's own thread, so a slow or failed TLS handshake blocks no one."""
        request.settimeout(SOCKET_TIMEOUT)
        if self.ssl_ctx is None:
            return super().finish_request(request, client_address)
        try:
            tls = self.ssl_ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.registry.record_tls_error(client_address, e)
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            tls.close()

    def handle_error(self, request, client_address):
        if VERBOSE:
            super().handle_error(request, client_address)


def make_ssl_context(args: argparse.Namespace) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(args.cert, args.key)
    if args.client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile=args.client_ca)
    return ctx



def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="CPAR registry simulator (test tool; binds 127.0.0.1)")
    p.add_argument("--cert", help="server certificate (PEM)")
    p.add_argument("--key", help="server private key (PEM)")
    p.add_argument("--client-ca", help="require client certificates signed by this CA (mutual TLS)")
    p.add_argument("--port", type=int, default=0, help="TCP port, 0 = any free port (default)")
    p.add_argument("--port-file", required=True, help="the chosen port is written here once listening")
    p.add_argument("--record-dir", required=True, help="requests.jsonl, bodies/, state.json go here")
    p.add_argument("--xsd", help="validate POST bodies against this XML schema with xmllint")
    p.add_argument("--faults", help="faults JSON file, re-read on every request")
    p.add_argument("--token", help="require 'Authorization: Bearer TOKEN'")
    p.add_argument("--insecure-http", action="store_true", help="serve plain HTTP instead of HTTPS")
    p.add_argument("--parent-pid", type=int, help="exit when this process exits")
    p.add_argument("--verbose", action="store_true", help="log every request and TLS error to stderr")
    args = p.parse_args(argv)
    if not args.insecure_http and not (args.cert and args.key):
        p.error("--cert and --key are required (or --insecure-http)")
    for opt in ("cert", "key", "client_ca", "xsd"):
        path = getattr(args, opt)
        if path and not os.path.isfile(path):
            p.error(f"--{opt.replace('_', '-')}: no such file: {path}")
    return args


def main(argv: list[str]) -> int:
    global VERBOSE
    args = parse_args(argv)
    VERBOSE = args.verbose
    try:
        ssl_ctx = None if args.insecure_http else make_ssl_context(args)
    except (ssl.SSLError, OSError) as e:
        log(f"cannot load TLS certificate/key/CA: {e}")
        return 2
    try:
        registry = Registry(args)
        server = SimServer(args, registry, ssl_ctx)
    except (OSError, ValueError, KeyError) as e:
        log(f"cannot start: {e}")
        return 2

    stopping = threading.Event()

    def stop(*_):
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    # A parent started from a thread that blocks SIGTERM passes that mask on: unblock, so terminate() works.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.parent_pid:
        threading.Thread(target=watch_parent, args=(args.parent_pid, stop), daemon=True).start()

    port = server.server_address[1]
    write_atomic(os.path.abspath(args.port_file), str(port).encode())
    log(f"listening on {'http' if args.insecure_http else 'https'}://127.0.0.1:{port}"
        f"{' (mutual TLS)' if args.client_ca else ''}")
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
