"""A real OpenLDAP server for the tests: slapd on a free loopback port, a temporary slapd.conf,
an mdb database, the memberof overlay, and the people and groups of ``directory_entries``.

Entries are added through LDAP (not slapadd) so that the memberof overlay fills ``memberOf``.
"""
import os
import shutil
import socket
import subprocess
import time

from ldap3 import MODIFY_ADD, MODIFY_DELETE, Connection, Server

from tests.tls import make_tls_files  # noqa: F401  (used by the directory tests as S.make_tls_files)

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
INSTALL = "apt-get install slapd ldap-utils"
SUFFIX = "dc=univ,dc=test"
ROOT_DN, ROOT_PASSWORD = f"cn=admin,{SUFFIX}", "root-secret"
SERVICE_DN, SERVICE_PASSWORD = f"cn=conpere,ou=system,{SUFFIX}", "service-secret"
PEOPLE, GROUPS = f"ou=people,{SUFFIX}", f"ou=groups,{SUFFIX}"
SCHEMA_DIR = "/etc/ldap/schema"
MODULE_DIR = "/usr/lib/ldap"

# A minimal stand-in for the supann schema: only the student number (a private test OID).
TEST_SCHEMA = """
attributetype ( 1.3.6.1.4.1.99999.1.1 NAME 'supannEtuId'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{128} )
objectclass ( 1.3.6.1.4.1.99999.2.1 NAME 'supannPersonTest' SUP top AUXILIARY MAY ( supannEtuId ) )
"""


def slapd_available():
    return os.path.exists(SLAPD) and os.path.isdir(MODULE_DIR) and os.path.exists(f"{SCHEMA_DIR}/core.schema")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def person(uid, first, last, password, groups=(), student_number=None, mail=True):
    attributes = {
        "uid": uid,
        "givenName": first,
        "sn": last,
        "cn": f"{first} {last}",
        "userPassword": password,
    }
    if mail:
        attributes["mail"] = f"{uid.replace('*', '').replace('(', '').replace(')', '')}@univ.test"
    classes = ["inetOrgPerson"]
    if student_number:
        classes.append("supannPersonTest")
        attributes["supannEtuId"] = student_number
    return {"dn": f"uid={escape_rdn(uid)},{PEOPLE}", "classes": classes, "attributes": attributes, "groups": groups}


def escape_rdn(value):
    from ldap3.utils.dn import escape_rdn as _escape

    return _escape(value)


class Slapd:
    def __init__(self, workdir, tls=None):
        self.workdir = workdir
        self.tls = tls  # {"ca": path, "cert": path, "key": path} for StartTLS and ldaps://
        self.port = None
        self.tls_port = None
        self.process = None

    @property
    def url(self):
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self):
        return f"ldaps://127.0.0.1:{self.tls_port}"

    def _write_config(self):
        os.makedirs(os.path.join(self.workdir, "data"), exist_ok=True)
        schema = os.path.join(self.workdir, "test.schema")
        with open(schema, "w") as f:
            f.write(TEST_SCHEMA)
        tls = ""
        if self.tls:
            tls = (
                f"TLSCACertificateFile {self.tls['ca']}\n"
                f"TLSCertificateFile {self.tls['cert']}\n"
                f"TLSCertificateKeyFile {self.tls['key']}\n"
            )
        config = f"""
include {SCHEMA_DIR}/core.schema
include {SCHEMA_DIR}/cosine.schema
include {SCHEMA_DIR}/inetorgperson.schema
include {schema}
modulepath {MODULE_DIR}
moduleload back_mdb
moduleload memberof
pidfile {self.workdir}/slapd.pid
{tls}
database mdb
maxsize 10485760
suffix "{SUFFIX}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PASSWORD}
directory {self.workdir}/data
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint true
access to attrs=userPassword
  by self write
  by anonymous auth
  by * none
access to *
  by dn.exact="{SERVICE_DN}" read
  by self read
  by * none
"""
        path = os.path.join(self.workdir, "slapd.conf")
        with open(path, "w") as f:
            f.write(config)
        return path

    def start(self):
        config = self._write_config()
        for _attempt in range(5):  # another process may take the free port first
            self.port = free_port()
            urls = [self.url]
            if self.tls:
                self.tls_port = free_port()
                urls.append(self.ldaps_url + "/")
            log = open(os.path.join(self.workdir, "slapd.log"), "ab")
            self.process = subprocess.Popen(
                [SLAPD, "-d", "0", "-f", config, "-h", " ".join(u if u.endswith("/") else u + "/" for u in urls)],
                stdout=log, stderr=log,
            )
            if self._wait_ready():
                return self
            self.stop()
        raise RuntimeError(f"slapd did not start; see {self.workdir}/slapd.log")

    def _wait_ready(self, seconds=10):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    # --- content --------------------------------------------------------------------------

    def admin(self):
        return Connection(Server(self.url), ROOT_DN, ROOT_PASSWORD, auto_bind=True)

    def load(self, people, groups):
        """Create the tree, then ``groups`` {cn: [member uids]} and ``people`` (from ``person``)."""
        conn = self.admin()
        try:
            self._add(conn, SUFFIX, ["dcObject", "organization"], {"dc": "univ", "o": "Université de test"})
            for ou in ("people", "groups", "system"):
                self._add(conn, f"ou={ou},{SUFFIX}", ["organizationalUnit"], {"ou": ou})
            self._add(conn, SERVICE_DN, ["applicationProcess", "simpleSecurityObject"],
                      {"cn": "conpere", "userPassword": SERVICE_PASSWORD})
            for p in people:
                self._add(conn, p["dn"], p["classes"], p["attributes"])
            for cn, members in groups.items():
                member_dns = [p["dn"] for p in people if p["attributes"]["uid"] in members]
                self._add(conn, f"cn={cn},{GROUPS}", ["groupOfNames"], {"cn": cn, "member": member_dns or [ROOT_DN]})
        finally:
            conn.unbind()

    def set_membership(self, group_cn, uid, member):
        conn = self.admin()
        try:
            change = MODIFY_ADD if member else MODIFY_DELETE
            ok = conn.modify(f"cn={group_cn},{GROUPS}", {"member": [(change, [f"uid={escape_rdn(uid)},{PEOPLE}"])]})
            assert ok, conn.result
        finally:
            conn.unbind()

    @staticmethod
    def _add(conn, dn, classes, attributes):
        assert conn.add(dn, classes, attributes), (dn, conn.result)

