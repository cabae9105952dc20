"""A mail catcher for the demo: an SMTP server on loopback that keeps every message it receives.

``python simulators/mailcatcher.py --port 2525 --dir instance/demo-mail`` (``make run`` starts it):
each message is written as ``<time>-<n>.eml`` in the folder (any mail program opens it) and one
line per message is printed: when, to whom, which subject. Nothing leaves the machine.
"""
import argparse
import email
import email.policy
import os
import time
from datetime import datetime

from aiosmtpd.controller import Controller


class KeepInFolder:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        os.makedirs(folder, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
        path = os.path.join(self.folder, f"{stamp}-{self.count:04d}.eml")
        with open(path, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        print(f"[mail] {stamp} to {', '.join(envelope.rcpt_tos)}: {message['subject']} ({path})", flush=True)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--dir", default="instance/demo-mail")
    args = parser.parse_args()
    controller = Controller(KeepInFolder(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print(f"Mail catcher: SMTP on {args.host}:{args.port}, messages kept in {os.path.abspath(args.dir)}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
