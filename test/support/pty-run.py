#!/usr/bin/env python3
"""Run a command inside a fresh pseudo-terminal (test helper).

Usage: pty-run.py [--cwd DIR] -- CMD [ARGS...]

The command becomes a session leader whose controlling terminal is the new
pty (80 columns x 24 rows); stdin, stdout and stderr of the command are the
pty. The environment is inherited.

Relaying:
  * bytes arriving on our stdin are written to the pty master, i.e. "typed"
    (so "\\x03" becomes SIGINT for the foreground process group);
  * bytes read from the pty master are written to our stdout, unbuffered.

When the command exits, the remaining output is drained and we exit with the
command's exit code, or 128+N if it died by signal N. The very last line
written to our stderr is the command's status as JSON:
    {"code": N|null, "signal": N|null}

SIGTERM/SIGHUP/SIGINT sent to this driver kill the command's process group
(SIGHUP, then SIGKILL shortly after) and are then reported like any other
death by signal.
"""

import errno
import fcntl
import json
import os
import select
import signal
import struct
import sys
import termios
import time

ROWS, COLS = 24, 80
# After the command has exited, keep draining the master until it reports
# EOF/EIO or stays silent this long (a background grandchild may keep the
# slave side open forever).
DRAIN_QUIET_S = 0.1
DRAIN_MAX_S = 2.0


def usage(msg):
    sys.stderr.write("pty-run.py: %s\nusage: pty-run.py [--cwd DIR] -- CMD [ARGS...]\n" % msg)
    sys.exit(125)


def parse_args(argv):
    cwd = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            i += 1
            break
        if a == "--cwd":
            if i + 1 >= len(argv):
                usage("--cwd needs a directory")
            cwd = argv[i + 1]
            i += 2
            continue
        if a.startswith("--cwd="):
            cwd = a[len("--cwd="):]
            i += 1
            continue
        usage("unexpected argument %r (missing '--'?)" % a)
    cmd = argv[i:]
    if not cmd:
        usage("no command given")
    return cwd, cmd


def write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except InterruptedError:
            continue
        except BlockingIOError:
            select.select([], [fd], [], 1.0)
            continue
        view = view[n:]


def start_child(cwd, cmd):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(master)
            os.setsid()
            try:
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            except (AttributeError, OSError):
                # Fallback: opening the tty as session leader acquires it.
                os.close(os.open(os.ttyname(slave), os.O_RDWR))
            for fd in (0, 1, 2):
                os.dup2(slave, fd)  # dup2 makes the copies inheritable
            if slave > 2:
                os.close(slave)
            # Python ignores these; ignored dispositions survive exec.
            for sig in ("SIGPIPE", "SIGXFSZ", "SIGINT", "SIGTERM", "SIGHUP", "SIGCHLD"):
                if hasattr(signal, sig):
                    signal.signal(getattr(signal, sig), signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            if cwd is not None:
                os.chdir(cwd)
            os.execvp(cmd[0], cmd)
        except BaseException as e:  # noqa: BLE001 - report anything, then die
            try:
                os.write(2, ("pty-run.py: cannot run %r: %s\r\n" % (cmd[0], e)).encode())
            finally:
                os._exit(127)
    os.close(slave)
    return pid, master


def main():
    cwd, cmd = parse_args(sys.argv[1:])
    if cwd is not None and not os.path.isdir(cwd):
        usage("--cwd %r is not a directory" % cwd)

    pid, master = start_child(cwd, cmd)
    os.set_blocking(master, False)

    kill_requested = [None]  # time of the first termination request

    def on_term(signum, frame):
        if kill_requested[0] is None:
            kill_requested[0] = time.monotonic()
            try:
                os.killpg(pid, signal.SIGHUP)
                os.killpg(pid, signal.SIGCONT)
            except OSError:
                pass

    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, on_term)

    stdin_open = True
    pending = b""  # typed bytes not yet accepted by the master
    status = None
    master_open = True

    def give_up_on_output():
        # Our reader went away: kill the command, stop relaying.
        on_term(signal.SIGTERM, None)

    stdout_ok = [True]

    def relay_output(data):
        if stdout_ok[0]:
            try:
                write_all(1, data)
            except OSError:
                stdout_ok[0] = False
                give_up_on_output()

    def read_master():
        """Read what is available. Returns False once the master is at EOF."""
        try:
            data = os.read(master, 65536)
        except BlockingIOError:
            return True
        except InterruptedError:
            return True
        except OSError as e:
            if e.errno == errno.EIO:  # every slave fd closed
                return False
            raise
        if not data:
            return False
        relay_output(data)
        return True

    while status is None:
        if kill_requested[0] is not None and time.monotonic() - kill_requested[0] > 0.5:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        rlist = []
        wlist = []
        if master_open:
            rlist.append(master)
            if pending:
                wlist.append(master)
        if stdin_open and not pending:
            rlist.append(0)
        try:
            r, w, _ = select.select(rlist, wlist, [], 0.05)
        except InterruptedError:
            r, w = [], []
        if master in r:
            if not read_master():
                master_open = False
        if 0 in r:
            try:
                data = os.read(0, 65536)
            except (BlockingIOError, InterruptedError):
                data = None
            except OSError:
                data = b""
            if data == b"":
                stdin_open = False
            elif data:
                pending += data
        if pending and master in w:
            try:
                n = os.write(master, pending)
                pending = pending[n:]
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                pending = b""
        try:
            wpid, st = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            wpid, st = pid, 0
        if wpid == pid:
            status = st
        elif not master_open:
            # Output finished but the command lives on (e.g. it closed its
            # terminal): just wait for it without busy-looping.
            time.sleep(0.02)

    # Drain what the command (and anything still holding the pty) printed.
    start = last = time.monotonic()
    while master_open:
        now = time.monotonic()
        if now - last > DRAIN_QUIET_S or now - start > DRAIN_MAX_S:
            break
        try:
            r, _, _ = select.select([master], [], [], DRAIN_QUIET_S)
        except InterruptedError:
            continue
        if r:
            if not read_master():
                break
            last = time.monotonic()
    try:
        os.close(master)
    except OSError:
        pass

    if os.WIFSIGNALED(status):
        code, sig = None, os.WTERMSIG(status)
        exit_code = 128 + sig
    else:
        code, sig = os.waitstatus_to_exitcode(status), None
        exit_code = code
    try:
        sys.stderr.write(json.dumps({"code": code, "signal": sig}) + "\n")
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(exit_code)


if __name__ == "__main__":
    main()
