"""Processes and ports on the loopback: a free port, a greeting, a process stopped by its PID,
its memory from /proc."""

import os
import signal
import socket
import subprocess
import time

STOP_TIMEOUT = 10.0


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port):
    """True when nothing listens on 127.0.0.1:port (connections waiting to close do not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def read_line(sock):
    """Reads one reply line (up to LF) from a blocking socket; b"" if the peer closed."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(512)
        if not chunk:
            break
        data += chunk
    return data


def greets(port):
    """True when 127.0.0.1:port accepts a connection and sends a 220 greeting."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            if read_line(s).startswith(b"220"):
                s.sendall(b"QUIT\r\n")
                return True
    except OSError:
        pass
    return False


def stop_process(process, timeout=STOP_TIMEOUT):
    """SIGTERM, then SIGKILL if it has not gone after `timeout` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_pid_gone(pid, timeout=STOP_TIMEOUT):
    """Waits for a process that is not our child to exit; SIGKILL after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def status_kib(pid, field):
    """A field of /proc/PID/status in KiB (VmHWM is the peak resident set, VmRSS the resident
    set now); None once the process has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None
