# SPDX-License-Identifier: Apache-2.0
"""Dead workers (issue 18, finding 6): a worker killed with kill -9 is replaced at once, the upload it held
ends cleanly (queued, no partial file), another worker's upload goes on, and stop leaves no worker behind and lets
each end its loop."""
import hashlib
import os
import signal
import socket
import sqlite3
import unittest

from stack import Stack, wait_for

WORKERS = 4  # uploads may hold two of them at once


def setUpModule():
    global stack
    stack = Stack(workers=WORKERS).start()


def tearDownModule():
    stack.stop()


def stat(pid):
    """(state, parent) of a process, or None when there is none."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def running(pid):
    """The process is there and has not ended (a zombie has)."""
    s = stat(pid)
    return s is not None and s[0] != "Z"


def children(pid):
    """The processes whose parent is `pid` and which have not ended."""
    out = []
    for entry in os.listdir("/proc"):
        s = stat(entry) if entry.isdigit() else None
        if s and s[1] == pid and s[0] != "Z":
            out.append(int(entry))
    return out


def watcher(of=None):
    with open(os.path.join((of or stack).state, "run", "workers.pid")) as f:
        return int(f.read().split()[0])


def workers(of=None):
    return children(watcher(of))


def holder(path):
    """The worker that has `path` open, or None."""
    for pid in workers():
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == path:
                    return pid
        except OSError:
            continue
    return None


def new_image(name):
    status, _, image = stack.get_json("/image/v2/images", method="POST",
                                      body={"name": name, "disk_format": "raw", "container_format": "bare"})
    assert status == 201, image
    return image["id"]


def slow_upload(image, first, length):
    """An upload of `length` bytes that has sent `first` and waits; the socket."""
    conn = socket.create_connection(("127.0.0.1", stack.port), timeout=30)
    conn.sendall((f"PUT /image/v2/images/{image}/file HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  f"X-Auth-Token: {stack.token}\r\nContent-Type: application/octet-stream\r\n"
                  f"Content-Length: {length}\r\nConnection: close\r\n\r\n").encode() + first)
    return conn


def status_of(image):
    return stack.get_json(f"/image/v2/images/{image}")[2]["status"]


def partial(image):
    return os.path.join(stack.state, "images", ".upload-" + image)


class KilledMidUpload(unittest.TestCase):
    def test_the_worker_is_replaced_and_its_upload_ends_cleanly(self):
        self.assertEqual(len(workers()), WORKERS)
        victim_image, other_image = new_image("killed-upload"), new_image("other-upload")
        other_data = os.urandom(300_000)
        victim = slow_upload(victim_image, b"v" * 1000, 1_000_000)
        other = slow_upload(other_image, other_data[:1000], len(other_data))
        try:
            self.assertTrue(wait_for(lambda: holder(partial(victim_image)) and holder(partial(other_image)), 10))
            killed = holder(partial(victim_image))
            self.assertNotEqual(killed, holder(partial(other_image)))
            os.kill(killed, signal.SIGKILL)
            # A new worker at once (ten seconds leave room for sanitizers and a loaded machine), which
            # sweeps the dead upload's partial file as it starts.
            self.assertTrue(wait_for(lambda: len(workers()) == WORKERS and killed not in workers(), 10),
                            workers())
            self.assertTrue(wait_for(lambda: not os.path.exists(partial(victim_image)), 10))
            self.assertEqual(status_of(victim_image), "queued")
            # The upload on the other worker was not disturbed.
            self.assertTrue(os.path.exists(partial(other_image)))
            self.assertEqual(status_of(other_image), "saving")
            other.sendall(other_data[1000:])
            self.assertIn(b" 204 ", other.recv(4096).split(b"\r\n")[0] + b" ")
        finally:
            victim.close()
            other.close()
        self.assertEqual(status_of(other_image), "active")
        self.assertEqual(stack.request("GET", f"/image/v2/images/{other_image}/file")[2], other_data)
        # The image killed mid-upload takes a new upload (no 409), whole.
        data = os.urandom(200_000)
        status, _, _ = stack.request("PUT", f"/image/v2/images/{victim_image}/file", body=data,
                                     headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(status, 204)
        status, _, shown = stack.get_json(f"/image/v2/images/{victim_image}")
        self.assertEqual((shown["status"], shown["size"], shown["checksum"]),
                         ("active", len(data), hashlib.md5(data).hexdigest()))
        self.assertEqual(os.listdir(os.path.join(stack.state, "images")).count(".upload-" + victim_image), 0)

    def test_a_worker_that_starts_sweeps_what_a_crash_left(self):
        # As a crash of every worker leaves it: images saving, partial files of this and older releases.
        stuck, gone = new_image("stuck-saving"), new_image("deleted-since")
        db = sqlite3.connect(os.path.join(stack.state, "jumpgate.sqlite"))
        with db:
            db.execute("UPDATE images SET status = 'saving' WHERE id = ?", (stuck,))
        db.close()
        store = os.path.join(stack.state, "images")
        left = [".upload-" + stuck, ".upload-" + gone + "-0123", ".upload-" + gone]
        for name in left:
            with open(os.path.join(store, name), "wb") as f:
                f.write(b"partial")
        self.assertEqual(stack.request("DELETE", f"/image/v2/images/{gone}")[0], 204)
        self.assertNotIn(".upload-" + gone, os.listdir(store))    # a delete takes a dead upload's file
        os.kill(workers()[0], signal.SIGKILL)
        self.assertTrue(wait_for(lambda: not set(left) & set(os.listdir(store)), 10), os.listdir(store))
        db = sqlite3.connect(os.path.join(stack.state, "jumpgate.sqlite"))
        self.assertEqual(db.execute("SELECT status FROM images WHERE id = ?", (stuck,)).fetchone()[0], "queued")
        db.close()


class Stop(unittest.TestCase):
    def test_no_worker_outlives_stop(self):
        other = Stack(workers=2).start()
        try:
            self.assertTrue(wait_for(lambda: len(workers(other)) == 2, 10))
            pids = [watcher(other)] + workers(other)
        finally:
            other.stop()
        self.assertEqual(len(pids), 3)
        self.assertEqual([p for p in pids if running(p)], [])

    def test_stop_lets_every_worker_end_its_loop(self):
        # Killed by a signal, a worker would drop its request in flight (and never run the leak check of a
        # sanitized build); a graceful one logs that it stops.
        other = Stack(workers=2).start()
        try:
            self.assertTrue(wait_for(lambda: len(workers(other)) == 2, 10))
            pids = workers(other)
            other._script("stop")
            log = other.log()
        finally:
            other.stop()
        for pid in pids:
            self.assertIn(f"jumpgate-fcgi[{pid}]: info: stopping", log)


if __name__ == "__main__":
    unittest.main()
