"""Throwaway TLS material for tests that start servers speaking TLS (directory, SMTP)."""
import os
import subprocess


def make_tls_files(workdir, name="ca"):
    """A throwaway certificate authority and a server certificate for 127.0.0.1 (openssl CLI)."""
    ca_key, ca = os.path.join(workdir, f"{name}.key"), os.path.join(workdir, f"{name}.pem")
    key, csr, cert = (os.path.join(workdir, f"{name}-server.{ext}") for ext in ("key", "csr", "pem"))
    ext = os.path.join(workdir, f"{name}-san.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")

    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
        "-subj", f"/CN=Test CA {name}")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-days", "2",
        "-extfile", ext)
    os.chmod(key, 0o644)  # slapd may drop privileges; the key is a throwaway
    return {"ca": ca, "cert": cert, "key": key}
