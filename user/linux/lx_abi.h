/* The slice of the Linux ABI the server speaks: errno values, flags,
 * and structure layouts (written byte by byte at these offsets, so the
 * server's compiler and the program's need not agree on padding).
 * Values are Linux's (include/uapi/asm-generic/errno*.h, fcntl.h, mman.h).
 * The layer speaks the ABI of the machine it is compiled for: x86_64
 * (the host's tests and fuzzer, the x86_64 server), or aarch64 where
 * LX_AARCH64 marks what differs (asm-generic's struct stat, two open
 * flags, the ELF machine, the signal frame in lx_signal.c). */
#ifndef KOZO_LINUX_LX_ABI_H
#define KOZO_LINUX_LX_ABI_H

#include "syscalls_gen.h"

#if defined(__aarch64__)
#define LX_AARCH64 1
#define LX_ELF_MACHINE 183      /* EM_AARCH64 */
#define LX_MACHINE "aarch64"    /* uname, AT_PLATFORM, /proc/cpuinfo */
#define LX_HWCAP 3              /* AT_HWCAP: HWCAP_FP | HWCAP_ASIMD, no HWCAP_CPUID */
#else
#define LX_AARCH64 0
#define LX_ELF_MACHINE 62       /* EM_X86_64 */
#define LX_MACHINE "x86_64"
#define LX_HWCAP 0
#endif

enum {
	LX_EPERM = 1, LX_ENOENT = 2, LX_ESRCH = 3, LX_EINTR = 4, LX_EIO = 5, LX_E2BIG = 7, LX_ENOEXEC = 8,
	LX_EBADF = 9, LX_ECHILD = 10, LX_EAGAIN = 11, LX_ENOMEM = 12, LX_EACCES = 13,
	LX_EFAULT = 14, LX_EBUSY = 16, LX_EEXIST = 17, LX_EXDEV = 18, LX_ENODEV = 19,
	LX_ENOTDIR = 20, LX_EISDIR = 21, LX_EINVAL = 22, LX_ENFILE = 23, LX_EMFILE = 24,
	LX_ENOTTY = 25, LX_EFBIG = 27, LX_ENOSPC = 28, LX_ESPIPE = 29, LX_EROFS = 30,
	LX_EPIPE = 32, LX_ERANGE = 34, LX_ENAMETOOLONG = 36, LX_ENOSYS = 38,
	LX_ENOTEMPTY = 39, LX_ELOOP = 40, LX_EOPNOTSUPP = 95, LX_ETIMEDOUT = 110,
};

/* open flags */
#define LX_O_ACCMODE 03
#define LX_O_RDONLY 00
#define LX_O_WRONLY 01
#define LX_O_RDWR 02
#define LX_O_CREAT 0100
#define LX_O_EXCL 0200
#define LX_O_TRUNC 01000
#define LX_O_APPEND 02000
#define LX_O_NONBLOCK 04000
#if LX_AARCH64
#define LX_O_DIRECTORY 040000
#define LX_O_NOFOLLOW 0100000
#else
#define LX_O_DIRECTORY 0200000
#define LX_O_NOFOLLOW 0400000
#endif
#define LX_O_CLOEXEC 02000000
#define LX_AT_FDCWD (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_REMOVEDIR 0x200
#define LX_AT_EMPTY_PATH 0x1000

/* file types (st_mode) */
#define LX_S_IFMT 0170000
#define LX_S_IFDIR 0040000
#define LX_S_IFCHR 0020000
#define LX_S_IFIFO 0010000
#define LX_S_IFREG 0100000
#define LX_S_IFLNK 0120000
#define LX_DT_LNK 10
#define LX_DT_CHR 2
#define LX_DT_DIR 4
#define LX_DT_REG 8

/* mmap */
#define LX_PROT_READ 1
#define LX_PROT_WRITE 2
#define LX_PROT_EXEC 4
#define LX_MAP_SHARED 0x01
#define LX_MAP_PRIVATE 0x02
#define LX_MAP_FIXED 0x10
#define LX_MAP_ANONYMOUS 0x20
#define LX_MAP_FIXED_NOREPLACE 0x100000

/* fcntl */
#define LX_F_DUPFD 0
#define LX_F_GETFD 1
#define LX_F_SETFD 2
#define LX_F_GETFL 3
#define LX_F_SETFL 4
#define LX_F_DUPFD_CLOEXEC 1030
#define LX_FD_CLOEXEC 1

/* ioctl */
#define LX_TCGETS 0x5401
#define LX_TIOCGWINSZ 0x5413
#define LX_FIONBIO 0x5421

/* arch_prctl, prctl, prlimit */
#define LX_ARCH_SET_FS 0x1002
#define LX_ARCH_GET_FS 0x1003
#define LX_PR_SET_NAME 15
#define LX_PR_GET_NAME 16
#define LX_RLIMIT_STACK 3
#define LX_RLIMIT_NOFILE 7
#define LX_RLIM_INFINITY (~0ull)

/* futex */
#define LX_FUTEX_WAIT 0
#define LX_FUTEX_WAKE 1
#define LX_FUTEX_CMD_MASK 0x7f

/* signals */
#define LX_NSIG 64
#define LX_SIGHUP 1
#define LX_SIGINT 2
#define LX_SIGQUIT 3
#define LX_SIGILL 4
#define LX_SIGTRAP 5
#define LX_SIGABRT 6
#define LX_SIGBUS 7
#define LX_SIGFPE 8
#define LX_SIGKILL 9
#define LX_SIGSEGV 11
#define LX_SIGPIPE 13
#define LX_SIGALRM 14
#define LX_SIGTERM 15
#define LX_SIGCHLD 17
#define LX_SIGCONT 18
#define LX_SIGSTOP 19
#define LX_SIGTSTP 20
/* Internal: a blocked call a signal interrupted; restarted when the
 * handler has SA_RESTART, else EINTR (never seen by the program). */
#define LX_ERESTARTSYS 512

/* auxv */
#define LX_AT_NULL 0
#define LX_AT_PHDR 3
#define LX_AT_PHENT 4
#define LX_AT_PHNUM 5
#define LX_AT_PAGESZ 6
#define LX_AT_BASE 7
#define LX_AT_FLAGS 8
#define LX_AT_ENTRY 9
#define LX_AT_UID 11
#define LX_AT_EUID 12
#define LX_AT_GID 13
#define LX_AT_EGID 14
#define LX_AT_HWCAP 16
#define LX_AT_CLKTCK 17
#define LX_AT_SECURE 23
#define LX_AT_RANDOM 25
#define LX_AT_EXECFN 31

#if LX_AARCH64
/* struct stat (asm-generic, aarch64): 128 bytes, these offsets; nlink and
 * blksize are 32 bits there, each followed by a field the server leaves 0
 * (uid, __pad2), so their 64-bit stores are the same bytes. */
#define LX_STAT_SIZE 128
#define LX_ST_DEV 0
#define LX_ST_INO 8
#define LX_ST_MODE 16
#define LX_ST_NLINK 20
#define LX_ST_UID 24
#define LX_ST_GID 28
#define LX_ST_RDEV 32
#else
/* struct stat (x86_64): 144 bytes, these offsets */
#define LX_STAT_SIZE 144
#define LX_ST_DEV 0
#define LX_ST_INO 8
#define LX_ST_NLINK 16
#define LX_ST_MODE 24
#define LX_ST_UID 28
#define LX_ST_GID 32
#define LX_ST_RDEV 40
#endif
#define LX_ST_SIZE 48
#define LX_ST_BLKSIZE 56
#define LX_ST_BLOCKS 64
#define LX_ST_ATIME 72
#define LX_ST_MTIME 88
#define LX_ST_CTIME 104

/* struct utsname: six fields of 65 bytes */
#define LX_UTS_LEN 65
#define LX_UTS_SIZE (6 * LX_UTS_LEN)

#endif
