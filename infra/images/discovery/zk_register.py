"""A shop instance in ZooKeeper: an ephemeral, sequential znode, and leader election.

The znode /services/shop/instance-<10 digits> holds this instance's address. It lives as long as
this process's session: if the process dies, the session times out and ZooKeeper deletes the
znode. The instance whose znode has the lowest sequence number is the leader; every other one
watches only the znode just before its own (no herd effect when the leader goes).
GET http://<host>:8001/ answers {"znode", "role", "promoted", "session"}.
"""

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kazoo.client import KazooClient

PARENT = "/services/shop"
addr = sys.argv[1]
status = {"znode": None, "role": "starting", "promoted": False, "session": None}
changed = threading.Event()


class Status(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps(status).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


threading.Thread(
    target=ThreadingHTTPServer(("0.0.0.0", 8001), Status).serve_forever, daemon=True
).start()

zk = KazooClient(hosts=os.environ.get("ZK_HOSTS", "zk-1:2181,zk-2:2181,zk-3:2181"), timeout=4.0)
zk.start(timeout=30)
zk.ensure_path(PARENT)


def seq(name):
    return int(name.rsplit("-", 1)[1])


while True:
    try:
        if not zk.connected:
            time.sleep(0.5)
            continue
        mine = status["znode"]
        if mine is None or zk.exists(mine) is None:
            # A new session (the old one expired) or the first start: register (again).
            mine = zk.create(PARENT + "/instance-", addr.encode(), ephemeral=True, sequence=True)
            status.update(znode=mine, session=hex(zk.client_id[0]))
            print(f"registered {mine} = {addr} (session {status['session']})", flush=True)
        me = mine.rsplit("/", 1)[1]
        children = sorted((c for c in zk.get_children(PARENT) if c.startswith("instance-")), key=seq)
        lower = [c for c in children if seq(c) < seq(me)]
        if not lower:
            if status["role"] == "follower":
                status["promoted"] = True
            if status["role"] != "leader":
                print(f"{me} has the lowest sequence number: leader", flush=True)
            status["role"] = "leader"
            changed.wait(1.0)
        else:
            status["role"] = "follower"
            changed.clear()
            # Wake up when the znode just before ours goes (or in a second anyway).
            if zk.exists(PARENT + "/" + lower[-1], watch=lambda _event: changed.set()):
                changed.wait(1.0)
        changed.clear()
    except Exception as error:  # connection loss during a call: try again
        print(f"zookeeper: {error!r}", flush=True)
        time.sleep(0.5)
