# SPDX-License-Identifier: Apache-2.0
"""The worker alone, as spawn-fcgi runs it: the listening socket on fd 0, FastCGI records, SIGTERM."""
import contextlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import unittest

from stack import ECHO_DRIVER, MODULE_DIR, WORKER

BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6


def record(kind, content=b"", request_id=1):
    return struct.pack(">BBHHBB", 1, kind, request_id, len(content), 0, 0) + content


def pairs(params):
    out = b""
    for k, v in params.items():
        k, v = k.encode(), v.encode()
        for n in (len(k), len(v)):
            out += struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 0x80000000)
        out += k + v
    return out


def read_response(conn):
    stdout, buf = b"", b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, kind, _, length, padding = struct.unpack(">BBHHB", buf[:7])
            if len(buf) < 8 + length + padding:
                break
            content, buf = buf[8:8 + length], buf[8 + length + padding:]
            if kind == STDOUT:
                stdout += content
            elif kind == END:
                return stdout
    return stdout


class Worker:
    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="jumpgate-fcgi-")
        self.path = os.path.join(self.dir, "sock")
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(self.path)
        listener.listen(8)
        self.proc = subprocess.Popen([WORKER, f"--general.module_dir={MODULE_DIR}",
                                      f"--general.state_dir={self.dir}", *args],
                                     stdin=listener.fileno(), stderr=subprocess.PIPE)
        listener.close()

    def begin(self, path="/", method="GET", **extra):
        conn = socket.socket(socket.AF_UNIX)
        conn.connect(self.path)
        params = {"REQUEST_METHOD": method, "REQUEST_URI": path, "QUERY_STRING": "",
                  "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost", **extra}
        conn.sendall(record(BEGIN, struct.pack(">HB5x", 1, 0)) + record(PARAMS, pairs(params)) +
                     record(PARAMS))
        return conn

    def open_sockets(self):
        """How many sockets the worker holds: one more than when idle once it has taken a connection."""
        fd_dir = f"/proc/{self.proc.pid}/fd"
        count = 0
        for fd in os.listdir(fd_dir):
            with contextlib.suppress(OSError):
                count += os.readlink(os.path.join(fd_dir, fd)).startswith("socket:")
        return count

    def get(self, path="/"):
        conn = self.begin(path)
        conn.sendall(record(STDIN))
        with conn:
            return read_response(conn)


class FastCGI(unittest.TestCase):
    def setUp(self):
        self.worker = Worker(f"--compute.driver={ECHO_DRIVER}", "--identity.driver=",
                             "--general.require_authentication=false")

    def tearDown(self):
        if self.worker.proc.poll() is None:
            self.worker.proc.kill()
        self.worker.proc.wait()
        self.worker.proc.stderr.close()
        shutil.rmtree(self.worker.dir, ignore_errors=True)

    def test_serves_from_the_socket_on_fd_0(self):
        out = self.worker.get("/")
        self.assertTrue(out.startswith(b"Status: 200 OK\r\n"), out[:80])
        self.assertIn(b"X-Openstack-Request-Id: req-", out)
        self.assertIn(b'"services"', out)
        self.assertTrue(self.worker.get("/compute/nope").startswith(b"Status: 404"))

    def test_sigterm_when_idle_exits_cleanly(self):
        self.worker.get("/")
        self.worker.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.worker.proc.wait(timeout=5), 0)

    def wait_for_sockets(self, count):
        deadline = time.time() + 10
        while self.worker.open_sockets() != count and time.time() < deadline:
            time.sleep(0.01)
        self.assertEqual(self.worker.open_sockets(), count)

    def test_sigterm_finishes_the_request_in_flight(self):
        idle = self.worker.open_sockets()        # the listener alone
        self.worker.get("/")                     # started, its signal handlers in place
        self.wait_for_sockets(idle)              # and done with that connection
        body = b'{"server": {"name": "in-flight"}}'
        conn = self.worker.begin("/compute/v2.1/servers", "POST", CONTENT_TYPE="application/json",
                                 CONTENT_LENGTH=str(len(body)))
        conn.sendall(record(STDIN, body[:10]))
        self.wait_for_sockets(idle + 1)
        time.sleep(0.1)                          # the handler is now reading the body
        self.worker.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        self.assertIsNone(self.worker.proc.poll(), "the worker quit with a request in flight")
        conn.sendall(record(STDIN, body[10:]) + record(STDIN))
        with conn:
            out = read_response(conn)
        self.assertTrue(out.startswith(b"Status: 201"), out[:200])
        self.assertIn(b'"in-flight"', out)
        self.assertEqual(self.worker.proc.wait(timeout=5), 0)


class Standalone(unittest.TestCase):
    def test_listen_on_a_tcp_port(self):
        from stack import free_port
        port = free_port()
        state = tempfile.mkdtemp(prefix="jumpgate-fcgi-")
        proc = subprocess.Popen([WORKER, f"--general.module_dir={MODULE_DIR}", f"--general.state_dir={state}",
                                 "--listen", f"127.0.0.1:{port}"], stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    conn = socket.create_connection(("127.0.0.1", port))
                    break
                except ConnectionRefusedError:
                    time.sleep(0.05)
            params = {"REQUEST_METHOD": "GET", "REQUEST_URI": "/identity/v3", "QUERY_STRING": "",
                      "SERVER_NAME": "localhost", "SERVER_PORT": "80"}
            conn.sendall(record(BEGIN, struct.pack(">HB5x", 1, 0)) + record(PARAMS, pairs(params)) +
                         record(PARAMS) + record(STDIN))
            with conn:
                out = read_response(conn)
            self.assertTrue(out.startswith(b"Status: 200"), out[:80])
            self.assertIn(b'"v3.14"', out)
        finally:
            proc.terminate()
            self.assertEqual(proc.wait(timeout=5), 0)
            shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
