"""A seccomp filter built by hand (classic BPF through prctl): the system calls kata code is
denied, whatever else holds. No dependency: the filter is a few hundred bytes of BPF.

    install(deny_fork=..., read_only=..., own_pid=...) -> "" or why it could not be installed

Always denied (EPERM): sockets, ptrace and reading other processes' memory, new namespaces,
mounts, keys, BPF, perf, kernel modules, SysV IPC and POSIX message queues, memfd, io_uring,
userfaultfd, clock and host changes, and typing into a terminal (TIOCSTI). `deny_fork` also
denies new processes (threads still work), for when nothing would count their memory;
`read_only` denies every change to the file system (opening for writing included), for
when no read-only mount namespace does; `own_pid` limits signals to the process itself, for
when no PID namespace hides the others. A denied call fails with an error: it never kills.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

# Only what the filter names, from the kernel's tables (asm/unistd_64.h, asm-generic/unistd.h).
X86_64 = {
    "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312, "pidfd_getfd": 438,
    "pidfd_open": 434, "pidfd_send_signal": 424, "process_madvise": 440, "mount": 165, "umount2": 166,
    "pivot_root": 155, "chroot": 161, "unshare": 272, "setns": 308, "move_mount": 429, "open_tree": 428,
    "fsopen": 430, "fsmount": 432, "fsconfig": 431, "fspick": 433, "mount_setattr": 442, "keyctl": 250,
    "add_key": 248, "request_key": 249, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323,
    "kexec_load": 246, "kexec_file_load": 320, "init_module": 175, "finit_module": 313, "delete_module": 176,
    "iopl": 172, "ioperm": 173, "swapon": 167, "swapoff": 168, "reboot": 169, "acct": 163, "quotactl": 179,
    "quotactl_fd": 443, "syslog": 103, "lookup_dcookie": 212, "open_by_handle_at": 304,
    "name_to_handle_at": 303, "fanotify_init": 300, "io_uring_setup": 425, "io_uring_enter": 426,
    "io_uring_register": 427, "shmget": 29, "shmat": 30, "shmctl": 31, "shmdt": 67, "msgget": 68, "msgsnd": 69,
    "msgrcv": 70, "msgctl": 71, "semget": 64, "semop": 65, "semtimedop": 220, "semctl": 66, "mq_open": 240,
    "mq_unlink": 241, "mq_timedsend": 242, "mq_timedreceive": 243, "mq_notify": 244, "mq_getsetattr": 245,
    "memfd_create": 319, "memfd_secret": 447, "socket": 41, "socketpair": 53, "settimeofday": 164,
    "clock_settime": 227, "clock_adjtime": 305, "adjtimex": 159, "sethostname": 170, "setdomainname": 171,
    "vhangup": 153, "uselib": 134, "modify_ldt": 154, "migrate_pages": 256, "move_pages": 279,
    "clone": 56, "clone3": 435, "fork": 57, "vfork": 58, "kill": 62, "tkill": 200, "tgkill": 234,
    "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297, "ioctl": 16, "open": 2, "openat": 257, "openat2": 437,
    "creat": 85, "mkdir": 83, "mkdirat": 258, "mknod": 133, "mknodat": 259, "link": 86, "linkat": 265,
    "symlink": 88, "symlinkat": 266, "rename": 82, "renameat": 264, "renameat2": 316, "unlink": 87,
    "unlinkat": 263, "rmdir": 84, "truncate": 76, "chmod": 90, "fchmod": 91, "fchmodat": 268, "fchmodat2": 452,
    "chown": 92, "fchown": 93, "lchown": 94, "fchownat": 260, "utime": 132, "utimes": 235, "utimensat": 280,
    "futimesat": 261, "setxattr": 188, "lsetxattr": 189, "fsetxattr": 190, "removexattr": 197,
    "lremovexattr": 198, "fremovexattr": 199,
}
AARCH64 = {
    "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272, "pidfd_getfd": 438,
    "pidfd_open": 434, "pidfd_send_signal": 424, "process_madvise": 440, "mount": 40, "umount2": 39,
    "pivot_root": 41, "chroot": 51, "unshare": 97, "setns": 268, "move_mount": 429, "open_tree": 428,
    "fsopen": 430, "fsmount": 432, "fsconfig": 431, "fspick": 433, "mount_setattr": 442, "keyctl": 219,
    "add_key": 217, "request_key": 218, "bpf": 280, "perf_event_open": 241, "userfaultfd": 282,
    "kexec_load": 104, "kexec_file_load": 294, "init_module": 105, "finit_module": 273, "delete_module": 106,
    "swapon": 224, "swapoff": 225, "reboot": 142, "acct": 89, "quotactl": 60, "quotactl_fd": 443, "syslog": 116,
    "lookup_dcookie": 18, "open_by_handle_at": 265, "name_to_handle_at": 264, "fanotify_init": 262,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "shmget": 194, "shmat": 196,
    "shmctl": 195, "shmdt": 197, "msgget": 186, "msgsnd": 189, "msgrcv": 188, "msgctl": 187, "semget": 190,
    "semop": 193, "semtimedop": 192, "semctl": 191, "mq_open": 180, "mq_unlink": 181, "mq_timedsend": 182,
    "mq_timedreceive": 183, "mq_notify": 184, "mq_getsetattr": 185, "memfd_create": 279, "memfd_secret": 447,
    "socket": 198, "socketpair": 199, "settimeofday": 170, "clock_settime": 112, "clock_adjtime": 266,
    "adjtimex": 171, "sethostname": 161, "setdomainname": 162, "vhangup": 58, "migrate_pages": 238,
    "move_pages": 239, "clone": 220, "clone3": 435, "kill": 129, "tkill": 130, "tgkill": 131,
    "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240, "ioctl": 29, "openat": 56, "openat2": 437, "mkdirat": 34,
    "mknodat": 33, "linkat": 37, "symlinkat": 36, "renameat": 38, "renameat2": 276, "unlinkat": 35,
    "truncate": 45, "fchmod": 52, "fchmodat": 53, "fchmodat2": 452, "fchown": 55, "fchownat": 54,
    "utimensat": 88, "setxattr": 5, "lsetxattr": 6, "fsetxattr": 7, "removexattr": 14, "lremovexattr": 15,
    "fremovexattr": 16,
}
ARCHES = {"x86_64": (0xC000003E, X86_64), "aarch64": (0xC00000B7, AARCH64), "arm64": (0xC00000B7, AARCH64)}

DENIED = (
    "ptrace process_vm_readv process_vm_writev kcmp pidfd_getfd process_madvise "
    "mount umount2 pivot_root chroot unshare setns move_mount open_tree fsopen fsmount fsconfig fspick "
    "mount_setattr keyctl add_key request_key bpf perf_event_open userfaultfd kexec_load kexec_file_load "
    "init_module finit_module delete_module iopl ioperm swapon swapoff reboot acct quotactl quotactl_fd syslog "
    "lookup_dcookie open_by_handle_at name_to_handle_at fanotify_init io_uring_setup io_uring_enter "
    "io_uring_register shmget shmat shmctl shmdt msgget msgsnd msgrcv msgctl semget semop semtimedop semctl "
    "mq_open mq_unlink mq_timedsend mq_timedreceive mq_notify mq_getsetattr memfd_create memfd_secret "
    "socket socketpair settimeofday clock_settime clock_adjtime adjtimex sethostname setdomainname vhangup "
    "uselib modify_ldt migrate_pages move_pages"
).split()
FILE_CHANGES = (
    "creat mkdir mkdirat mknod mknodat link linkat symlink symlinkat rename renameat renameat2 unlink unlinkat "
    "rmdir truncate chmod fchmod fchmodat fchmodat2 chown fchown lchown fchownat utime utimes utimensat futimesat "
    "setxattr lsetxattr fsetxattr removexattr lremovexattr fremovexattr"
).split()
FOREIGN_SIGNALS = ("tkill", "pidfd_open", "pidfd_send_signal")

CLONE_THREAD = 0x00010000
CLONE_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80
OPEN_FOR_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
TIOCSTI, TIOCLINUX = 0x5412, 0x541C

# classic BPF
LD_ABS, JEQ, JSET, JGE, RET = 0x20, 0x15, 0x45, 0x35, 0x06
RET_ALLOW, RET_ERRNO, RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
NR, ARCH = 0, 4


class Program:
    """A list of BPF instructions, with rules of the form: this call (and this argument) -> error."""

    def __init__(self):
        self.code = []

    def op(self, code, k=0, jt=0, jf=0):
        self.code.append((code, jt, jf, k))

    def deny(self, nr: int, err: int, arg: int | None = None, test=None) -> None:
        """Call `nr` fails with `err`; with `arg`, only when test(low 32 bits of argument `arg`)
        holds. test: ("any", mask) some bit set, ("none", mask) none set, ("eq", v), ("not in", vs)."""
        if arg is None:
            self.op(JEQ, nr, 0, 1)
            self.op(RET, RET_ERRNO | err)
            return
        kind, value = test
        if kind == "any":
            cond = [(JSET, value, 0, 1)]
        elif kind == "none":
            cond = [(JSET, value, 1, 0)]
        elif kind == "eq":
            cond = [(JEQ, value, 0, 1)]
        else:  # "not in": each match jumps past the denial
            cond = [(JEQ, v, len(value) - i, 0) for i, v in enumerate(value)]
        self.op(JEQ, nr, 0, len(cond) + 3)
        self.op(LD_ABS, 16 + 8 * arg)  # struct seccomp_data: args[] from byte 16, little-endian
        for code, k, jt, jf in cond:
            self.op(code, k, jt, jf)
        self.op(RET, RET_ERRNO | err)
        self.op(LD_ABS, NR)  # the rules after this one test the call number again

    def pack(self) -> bytes:
        return b"".join(struct.pack("=HBBI", code, jt, jf, k) for code, jt, jf, k in self.code)


def build(arch: str, deny_fork: bool, read_only: bool, own_pid: int | None) -> bytes:
    audit, table = ARCHES[arch]
    p = Program()
    p.op(LD_ABS, ARCH)
    p.op(JEQ, audit, 1, 0)
    p.op(RET, RET_KILL_PROCESS)  # another ABI (32-bit calls on a 64-bit kernel): no way round the filter
    p.op(LD_ABS, NR)
    if arch == "x86_64":
        p.op(JGE, 0x40000000, 0, 1)  # the x32 ABI
        p.op(RET, RET_ERRNO | errno.ENOSYS)
    for name in DENIED:
        if name in table:
            p.deny(table[name], errno.EPERM)
    p.deny(table["clone3"], errno.ENOSYS)  # its flags are out of BPF's reach: libc falls back to clone
    p.deny(table["openat2"], errno.ENOSYS)  # likewise
    p.deny(table["clone"], errno.EPERM, 0, ("any", CLONE_NAMESPACES))
    if deny_fork:
        p.deny(table["clone"], errno.EPERM, 0, ("none", CLONE_THREAD))
        for name in ("fork", "vfork"):
            if name in table:
                p.deny(table[name], errno.EPERM)
    for request in (TIOCSTI, TIOCLINUX):
        p.deny(table["ioctl"], errno.EPERM, 1, ("eq", request))
    if read_only:
        for name in FILE_CHANGES:
            if name in table:
                p.deny(table[name], errno.EROFS)
        if "open" in table:
            p.deny(table["open"], errno.EROFS, 1, ("any", OPEN_FOR_WRITING))
        p.deny(table["openat"], errno.EROFS, 2, ("any", OPEN_FOR_WRITING))
    if own_pid is not None:
        for name in FOREIGN_SIGNALS:
            p.deny(table[name], errno.EPERM)
        for name in ("kill", "rt_sigqueueinfo"):
            p.deny(table[name], errno.EPERM, 0, ("not in", [own_pid, 0]))
        for name in ("tgkill", "rt_tgsigqueueinfo"):
            p.deny(table[name], errno.EPERM, 0, ("not in", [own_pid]))
    p.op(RET, RET_ALLOW)
    return p.pack()


PR_SET_SECCOMP, SECCOMP_MODE_FILTER, PR_SET_NO_NEW_PRIVS = 22, 2, 38


def arch() -> str | None:
    machine = platform.machine().lower()
    return machine if machine in ARCHES else None


def install(deny_fork: bool = False, read_only: bool = False, own_pid: int | None = None) -> str:
    """Load the grader's filter into this process (and all it starts); "" or why it could not be."""
    name = arch()
    if name is None:
        return f"no system-call table for {platform.machine() or 'this machine'}"
    return load(build(name, deny_fork, read_only, own_pid))


def load(code: bytes) -> str:
    """Set no_new_privs and load the BPF program `code`; "" or why it could not be loaded."""
    buffer = ctypes.create_string_buffer(code, len(code))

    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = Fprog(len(code) // 8, ctypes.addressof(buffer))
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as exc:
        return f"no libc: {exc}"
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"no_new_privs: {os.strerror(ctypes.get_errno())}"
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0) != 0:
        return f"seccomp: {os.strerror(ctypes.get_errno())}"
    return ""
