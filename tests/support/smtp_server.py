#!/usr/bin/python3
"""SMTP test server and message decoder for tests/unit/test_mail.c.

Run it with /usr/bin/python3 (the Debian Python that has aiosmtpd 1.4).

  smtp_server.py serve --port P --dir D [--user U --password W]
                 [--tls-cert C --tls-key K] [--size N] [--refuse]

    An aiosmtpd server on 127.0.0.1:P. Each accepted message is written,
    before the server answers 250, to D/msg-NNNN.eml (the bytes received,
    dot-unstuffed) and D/msg-NNNN.env: "from A", one "to B" a line, then
    "auth U" (or "auth -") and "tls yes" (or "tls no"); both files are
    renamed into place, so a reader never sees half of one. --user and
    --password require AUTH (PLAIN or LOGIN, allowed without TLS on
    loopback); --tls-cert/--tls-key offer and require STARTTLS; --size
    limits a message (RFC 1870 SIZE); --refuse answers 550 to every RCPT.
    It runs until killed.

  smtp_server.py decode FILE

    Reads FILE with the standard email package (policy.default) and prints,
    one item a line: subject, from/to/cc as "display name|address", date,
    message-id, the number of defects found, the parts' content types, the
    text body as JSON (CRLF shown as \\n), and each attachment as
    "name<TAB>content type<TAB>sha256".
"""
import argparse
import email
import email.policy
import hashlib
import json
import os
import sys
import time


class Recorder:
    """aiosmtpd handler: keeps each message and its envelope in a folder."""

    def __init__(self, folder, refuse):
        self.folder = folder
        self.refuse = refuse
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.7.1 recipient refused (test server)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, "msg-%04d" % self.count)
        auth = session.auth_data.login.decode() if session.authenticated else "-"
        lines = ["from " + envelope.mail_from]
        lines += ["to " + r for r in envelope.rcpt_tos]
        lines += ["auth " + auth, "tls " + ("yes" if session.ssl else "no")]
        write_atomic(base + ".eml", envelope.original_content)
        write_atomic(base + ".env", ("\n".join(lines) + "\n").encode())
        return "250 OK"


def write_atomic(path, data):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


def authenticator(user, password):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return check


def serve(a):
    import ssl
    from aiosmtpd.controller import Controller

    kw = dict(hostname="127.0.0.1", port=a.port, server_hostname="localhost",
              data_size_limit=a.size, auth_require_tls=False)
    if a.user:
        kw.update(authenticator=authenticator(a.user, a.password), auth_required=True)
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        kw.update(tls_context=ctx, require_starttls=True)
    controller = Controller(Recorder(a.dir, a.refuse), **kw)
    controller.start()
    print("listening on 127.0.0.1:%d" % a.port, flush=True)
    while True:
        time.sleep(3600)


def addresses(msg, name):
    header = msg[name]
    if header is None:
        return []
    return ["%s: %s|%s" % (name.lower(), x.display_name, x.addr_spec) for x in header.addresses]


def decode(path):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    out = ["subject: " + str(msg["Subject"])]
    for name in ("From", "To", "Cc"):
        out += addresses(msg, name)
    out.append("date: " + str(msg["Date"]))
    out.append("message-id: " + str(msg["Message-ID"]))
    out.append("defects: %d" % sum(len(p.defects) for p in msg.walk()))
    parts = [p for p in msg.walk() if not p.is_multipart()]
    out.append("parts: " + ",".join(p.get_content_type() for p in parts))
    for p in parts:
        if p.get_content_disposition() == "attachment":
            data = p.get_payload(decode=True)
            out.append("attachment: %s\t%s\t%s" % (p.get_filename(), p.get_content_type(),
                                                   hashlib.sha256(data).hexdigest()))
        else:
            text = p.get_content().replace("\r\n", "\n")
            out.append("body: " + json.dumps(text, ensure_ascii=False))
    sys.stdout.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--dir", required=True)
    s.add_argument("--user")
    s.add_argument("--password")
    s.add_argument("--tls-cert")
    s.add_argument("--tls-key")
    s.add_argument("--size", type=int, default=33554432)
    s.add_argument("--refuse", action="store_true")
    d = sub.add_parser("decode")
    d.add_argument("file")
    a = ap.parse_args()
    if a.cmd == "serve":
        serve(a)
    else:
        decode(a.file)


if __name__ == "__main__":
    main()
