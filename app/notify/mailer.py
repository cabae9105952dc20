"""The SMTP server, behind a small interface: open a session, send messages through it.

Settings: MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS), MAIL_USE_SSL (implicit TLS),
MAIL_USERNAME / MAIL_PASSWORD, MAIL_TIMEOUT, MAIL_DEFAULT_SENDER, MAIL_CA_FILE (a private certificate
authority; the server's certificate is always verified).
"""
import smtplib
import ssl
from contextlib import contextmanager
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

# Errors that mean "try again later"; anything the server answers with a 5xx code is permanent.
TRANSIENT_ERRORS = (OSError, smtplib.SMTPException)


def is_permanent(exc):
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in exc.recipients.values()]
        return bool(codes) and all(c >= 500 for c in codes)
    return isinstance(code, int) and code >= 500 and not isinstance(exc, smtplib.SMTPServerDisconnected)


class SmtpMailer:
    def __init__(self, config):
        self.host = config["MAIL_SERVER"]
        self.port = int(config["MAIL_PORT"])
        self.use_tls = bool(config.get("MAIL_USE_TLS"))
        self.use_ssl = bool(config.get("MAIL_USE_SSL"))
        self.username = config.get("MAIL_USERNAME")
        self.password = config["MAIL_PASSWORD"] or ""
        self.timeout = config["MAIL_TIMEOUT"]
        self.sender = config["MAIL_DEFAULT_SENDER"]
        self.ca_file = config["MAIL_CA_FILE"] or None

    def describe(self):
        return f"{self.host}:{self.port}"

    @contextmanager
    def session(self):
        """A connected, authenticated SMTP session; raises OSError/SMTPException when unreachable."""
        context = ssl.create_default_context(cafile=self.ca_file)
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls and not self.use_ssl:
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password)
            yield smtp
        finally:
            try:
                smtp.quit()
            except TRANSIENT_ERRORS:
                smtp.close()

    def message_id(self, unique):
        """A Message-ID made of ``unique`` (the same for every attempt at one message) and our domain."""
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"
        return f"<{unique}@{domain}>"

    def build(self, to_address, subject, text, html, message_id=None):
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to_address
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=True)
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"
        message["Message-ID"] = message_id or make_msgid(domain=domain)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        return message


def valid_address(address):
    """A deliverable-looking address (FAB stores ``…@email.notfound`` when the directory has none)."""
    if not address or address.endswith("@email.notfound") or "\n" in address or "\r" in address:
        return False
    try:
        Address(addr_spec=address.strip())
    except (ValueError, IndexError):
        return False
    return "@" in address
