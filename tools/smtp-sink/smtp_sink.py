#!/usr/bin/env python3
"""SMTP sink for tests: accepts every message on 127.0.0.1 and stores it.

    smtp_sink.py --port 0 --port-file FILE --out DIR [--parent-pid PID]

Each message is stored as DIR/<n>.eml (the raw DATA as received, dot-unstuffed, CRLF kept) and
listed in DIR/messages.jsonl ({"n", "mail_from", "rcpt_tos", "bytes", "time"}); both files are
replaced atomically. TEST TOOL ONLY. Needs the aiosmtpd package (pip install aiosmtpd).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import signal
import sys
import threading

# Shared helpers live beside the tool folders (tools/helperlib.py).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from helperlib import watch_parent, write_atomic  # noqa: E402

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    print("smtp-sink: the aiosmtpd package is missing (pip install aiosmtpd)", file=sys.stderr)
    sys.exit(2)


def log(msg: str) -> None:
    try:
        print(f"smtp-sink: {msg}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass



class Sink:
    """aiosmtpd handler: store every message, numbered from 1 (continuing an existing DIR)."""

    def __init__(self, out: str):
        self.out = out
        self.index = os.path.join(out, "messages.jsonl")
        self.lines: list[str] = []
        if os.path.exists(self.index):
            with open(self.index, encoding="utf-8") as f:
                self.lines = [ln for ln in f.read().splitlines() if ln]

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        n = len(self.lines) + 1
        raw = envelope.original_content or b""
        write_atomic(os.path.join(self.out, f"{n}.eml"), raw)
        entry = {"n": n, "mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
                 "bytes": len(raw),
                 "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
                 .replace("+00:00", "Z")}
        self.lines.append(json.dumps(entry))
        write_atomic(self.index, ("\n".join(self.lines) + "\n").encode())
        return "250 Message accepted for delivery"



async def serve(args: argparse.Namespace) -> int:
    os.makedirs(args.out, exist_ok=True)
    sink = Sink(args.out)
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, done.set)
    if args.parent_pid:
        threading.Thread(target=watch_parent, args=(args.parent_pid, lambda: loop.call_soon_threadsafe(done.set)),
                         daemon=True).start()
    # hostname given so aiosmtpd does not do a (possibly slow) FQDN lookup
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="smtp-sink.localhost", enable_SMTPUTF8=True, decode_data=False),
        host="127.0.0.1", port=args.port)
    port = server.sockets[0].getsockname()[1]
    write_atomic(os.path.abspath(args.port_file), str(port).encode())
    log(f"listening on smtp://127.0.0.1:{port}, storing messages in {args.out}")
    await done.wait()
    server.close()
    return 0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description="SMTP sink (test tool; binds 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="TCP port, 0 = any free port (default)")
    p.add_argument("--port-file", required=True, help="the chosen port is written here once listening")
    p.add_argument("--out", required=True, help="directory for <n>.eml and messages.jsonl")
    p.add_argument("--parent-pid", type=int, help="exit when this process exits")
    args = p.parse_args(argv)
    # A parent started from a thread that blocks SIGTERM passes that mask on: unblock, so terminate() works.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    try:
        return asyncio.run(serve(args))
    except OSError as e:
        log(f"cannot start: {e}")
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
