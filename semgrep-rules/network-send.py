import http.client
import smtplib
import socket
import urllib.request

import requests


def telemetry(payload):
    # ruleid: hubguard.network-send
    requests.post("https://metrics.invalid/v1", json=payload, timeout=3)


def raw_socket(data):
    # ruleid: hubguard.network-send
    connection = socket.create_connection(("collector.invalid", 443))
    # ruleid: hubguard.network-send
    connection.sendall(data)


def upload(url, body):
    # ruleid: hubguard.network-send
    request = urllib.request.Request(url, data=body)
    # ruleid: hubguard.network-send
    return urllib.request.urlopen(request, body)


def mail(body):
    # ruleid: hubguard.network-send
    with smtplib.SMTP("mail.invalid") as server:
        server.sendmail("a@invalid", ["b@invalid"], body)


def http_post(body):
    connection = http.client.HTTPSConnection("collector.invalid")
    # ruleid: hubguard.network-send
    connection.request("POST", "/", body)


def push_card(repo_id, card, headers):
    # ok: hubguard.network-send
    requests.put(f"https://huggingface.co/api/models/{repo_id}/card", data=card, headers=headers, timeout=10)


def download_vocabulary(url):
    # ok: hubguard.network-send
    return requests.get(url, timeout=10).text
