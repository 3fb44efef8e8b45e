/*
 * GLOBAL-STALE-STATE on a real kernel: does membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED) still
 * interrupt a CPU after a thread of a registered process exited there and the CPU switched straight
 * to a sibling thread?
 *
 * The kernel lines (see the finding): exit_mm() calls membarrier_update_current_mm(NULL), which sets
 * rq->membarrier_state = 0 while the mm stays the CPU's active_mm; the next switch to a sibling
 * thread calls membarrier_switch_mm(rq, prev->active_mm, next->mm), which returns at once when the
 * two mms are equal; membarrier_global_expedited() then skips every CPU whose rq->membarrier_state
 * lacks MEMBARRIER_STATE_GLOBAL_EXPEDITED.
 *
 * One trial (process B is this program, pinned to the caller CPU; process A is its child):
 *   A registers MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, then starts T2 on the target CPU at
 *   SCHED_FIFO 10, spinning in user space.
 *   before: B reads /proc/interrupts, calls MEMBARRIER_CMD_GLOBAL_EXPEDITED N times, reads it again.
 *   A starts T1 on the target CPU at SCHED_FIFO 20: T1 preempts T2, then either exits (mode exit)
 *   or blocks in pause() (mode sleep, the control). Either way T2, the only other runnable
 *   real-time task there, is what the CPU switches to next.
 *   after: B waits until T1 is gone (exit) or asleep (sleep) and T2 runs again, then N calls more.
 *
 * Output, one record a line, for lazymm's probe command to parse (it computes the verdict):
 *   uname SYSNAME RELEASE VERSION... MACHINE
 *   config trials=T calls=N caller_cpu=C target_cpu=K
 *   irq-header <the first line of /proc/interrupts>
 *   burst trial=I mode=exit|sleep phase=before|after spins=S ns=D
 *   irq trial=I mode=M phase=P edge=start|end <the "Function call interrupts" line>
 *   trial-error trial=I mode=M reason=TEXT       (the trial could not be set up; no counts)
 *   cannot-run REASON                            (exit status 3)
 *   done
 * Exit status: 0 the trials ran, 3 this machine cannot run the probe, 1 an internal failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/membarrier.h>

#define CANNOT_RUN 3
#define T1_PRIO 20
#define T2_PRIO 10
#define IRQ_BUF (1 << 16)
#define LINE_MAX_LEN 4096

struct shared {
	atomic_ulong t2_spins;   /* T2's progress: it runs only while T1 is off the target CPU */
	atomic_int stop;         /* B -> A: end the trial */
	atomic_int start_t1;     /* B -> A: start T1 */
	atomic_int ready;        /* A -> B: registered, T2 started */
	atomic_int t1_tid;       /* T1 -> B: its thread id, once it runs */
	atomic_int a_errno;      /* A -> B: what failed in A (0: nothing) */
	char a_what[128];
	int mode_exit;
	int target_cpu;
};

static struct shared *S;

static void cannot_run(const char *fmt, const char *arg)
{
	printf("cannot-run ");
	printf(fmt, arg);
	printf("\n");
	fflush(stdout);
	exit(CANNOT_RUN);
}

static long sys_membarrier(int cmd, unsigned int flags)
{
#ifdef __NR_membarrier
	return syscall(__NR_membarrier, cmd, flags, 0);
#else
	(void)cmd; (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void nap_us(long us)
{
	struct timespec t = { us / 1000000, (us % 1000000) * 1000 };
	nanosleep(&t, NULL);
}

static int pin(pid_t tid, int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(tid, sizeof(set), &set);
}

/* The first line of /proc/interrupts and the one that counts function-call IPIs (x86 "CAL",
 * arm64 "IPI1"), copied as they are: lazymm parses them. */
static int read_irq(char *header, char *row)
{
	static char buf[IRQ_BUF];
	int fd = open("/proc/interrupts", O_RDONLY);
	if (fd < 0)
		return -1;
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	row[0] = 0;
	char *line = buf;
	int first = 1;
	while (line && *line) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (len >= LINE_MAX_LEN)
			len = LINE_MAX_LEN - 1;
		if (first && header) {
			memcpy(header, line, len);
			header[len] = 0;
		}
		first = 0;
		if (memmem(line, len, "Function call interrupts", 24)) {
			memcpy(row, line, len);
			row[len] = 0;
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

static pthread_t start_fifo(void *(*fn)(void *), int prio, int cpu, int *err)
{
	pthread_attr_t a;
	struct sched_param p = { .sched_priority = prio };
	cpu_set_t set;
	pthread_t t = 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_attr_init(&a);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&a, SCHED_FIFO);
	pthread_attr_setschedparam(&a, &p);
	pthread_attr_setaffinity_np(&a, sizeof(set), &set);
	*err = pthread_create(&t, &a, fn, NULL);
	pthread_attr_destroy(&a);
	return t;
}

static void *t2_spin(void *unused)
{
	(void)unused;
	/* user space only: no system call until the trial ends */
	while (!atomic_load_explicit(&S->stop, memory_order_relaxed))
		atomic_fetch_add_explicit(&S->t2_spins, 1, memory_order_relaxed);
	return NULL;
}

static void *t1_run(void *unused)
{
	(void)unused;
	atomic_store(&S->t1_tid, (int)syscall(SYS_gettid));
	if (S->mode_exit)
		return NULL;            /* pthread exit: do_exit() -> exit_mm() on the target CPU */
	for (;;)
		pause();                /* the control: T1 blocks, its mm stays */
}

static void a_fail(const char *what, int err)
{
	snprintf(S->a_what, sizeof(S->a_what), "%s", what);
	atomic_store(&S->a_errno, err ? err : EINVAL);
	_exit(1);
}

/* Process A: the registered process. Runs on the caller CPU (inherited from B); only its two
 * threads go to the target CPU. */
static void process_a(pid_t b)
{
	int err;
	/* never outlive B, nor spin on the target CPU for more than a few seconds */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != b)
		_exit(1);
	long long deadline = now_ns() + 5000000000LL;
	if (sys_membarrier(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0) != 0)
		a_fail("MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED", errno);
	pthread_t t2 = start_fifo(t2_spin, T2_PRIO, S->target_cpu, &err);
	if (err)
		a_fail("pthread_create(T2, SCHED_FIFO)", err);
	atomic_store(&S->ready, 1);
	while (!atomic_load(&S->start_t1) && !atomic_load(&S->stop) && now_ns() < deadline)
		nap_us(100);
	if (atomic_load(&S->start_t1) && !atomic_load(&S->stop)) {
		pthread_t t1 = start_fifo(t1_run, T1_PRIO, S->target_cpu, &err);
		if (err)
			a_fail("pthread_create(T1, SCHED_FIFO)", err);
		if (S->mode_exit)
			pthread_join(t1, NULL);
	}
	while (!atomic_load(&S->stop) && now_ns() < deadline)
		nap_us(100);
	atomic_store(&S->stop, 1);
	pthread_join(t2, NULL);
	_exit(0);                       /* exit_group: ends a sleeping T1 too */
}

/* Waits up to 2 s for cond; 0 when it held. */
static int wait_for(int (*cond)(pid_t), pid_t a)
{
	long long end = now_ns() + 2000000000LL;
	while (now_ns() < end) {
		if (cond(a))
			return 0;
		nap_us(50);
	}
	return -1;
}

static int a_ready(pid_t a) { (void)a; return atomic_load(&S->ready) || atomic_load(&S->a_errno); }
static int t1_seen(pid_t a) { (void)a; return atomic_load(&S->t1_tid) != 0 || atomic_load(&S->a_errno); }

static unsigned long spins_mark;
static int t2_moved(pid_t a) { (void)a; return atomic_load(&S->t2_spins) != spins_mark; }

/* T1's state letter from /proc/A/task/T1/stat, 0 when the task is gone (reaped: past exit_mm()). */
static char t1_state(pid_t a)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)a, atomic_load(&S->t1_tid));
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *rp = strrchr(buf, ')');
	return rp && rp[1] == ' ' ? rp[2] : '?';
}

static int t1_off_cpu(pid_t a)
{
	char st = t1_state(a);
	return S->mode_exit ? st == 0 : st == 'S';
}

struct burst {
	char start[LINE_MAX_LEN], end[LINE_MAX_LEN];
	unsigned long spins;
	long long ns;
	int failed_errno;
};

static void burst(int calls, struct burst *b)
{
	b->failed_errno = 0;
	unsigned long s0 = atomic_load(&S->t2_spins);
	read_irq(NULL, b->start);
	long long t0 = now_ns();
	for (int i = 0; i < calls; i++) {
		if (sys_membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0) != 0) {
			b->failed_errno = errno;
			break;
		}
	}
	b->ns = now_ns() - t0;
	read_irq(NULL, b->end);
	b->spins = atomic_load(&S->t2_spins) - s0;
}

static void print_burst(int trial, const char *mode, const char *phase, const struct burst *b)
{
	printf("burst trial=%d mode=%s phase=%s spins=%lu ns=%lld\n", trial, mode, phase, b->spins, b->ns);
	printf("irq trial=%d mode=%s phase=%s edge=start %s\n", trial, mode, phase, b->start);
	printf("irq trial=%d mode=%s phase=%s edge=end %s\n", trial, mode, phase, b->end);
}

/* One trial; 0 when it ran, else it printed a trial-error line. */
static int run_trial(int n, int mode_exit, int calls, int target)
{
	const char *mode = mode_exit ? "exit" : "sleep";
	static struct burst before, after;
	const char *why = NULL;
	memset(S, 0, sizeof(*S));
	S->mode_exit = mode_exit;
	S->target_cpu = target;
	fflush(stdout);
	pid_t b = getpid();
	pid_t a = fork();
	if (a < 0) {
		printf("trial-error trial=%d mode=%s reason=fork: %s\n", n, mode, strerror(errno));
		return -1;
	}
	if (a == 0)
		process_a(b);

	if (wait_for(a_ready, a) || atomic_load(&S->a_errno)) {
		why = "process A did not start its spinning thread";
		goto out;
	}
	spins_mark = atomic_load(&S->t2_spins);
	if (wait_for(t2_moved, a)) {
		why = "T2 did not run on the target CPU";
		goto out;
	}
	burst(calls, &before);

	atomic_store(&S->start_t1, 1);
	if (wait_for(t1_seen, a) || atomic_load(&S->a_errno)) {
		why = "T1 did not start";
		goto out;
	}
	if (wait_for(t1_off_cpu, a)) {
		why = mode_exit ? "T1 did not exit" : "T1 did not block";
		goto out;
	}
	spins_mark = atomic_load(&S->t2_spins);
	if (wait_for(t2_moved, a)) {
		why = "T2 did not run again after T1";
		goto out;
	}
	burst(calls, &after);
	if (before.failed_errno || after.failed_errno) {
		printf("cannot-run MEMBARRIER_CMD_GLOBAL_EXPEDITED failed: %s\n",
		       strerror(before.failed_errno ? before.failed_errno : after.failed_errno));
		atomic_store(&S->stop, 1);
		waitpid(a, NULL, 0);
		fflush(stdout);
		exit(CANNOT_RUN);
	}
out:
	atomic_store(&S->stop, 1);
	int status = 0;
	waitpid(a, &status, 0);
	if (!why && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		why = "process A failed";
	if (atomic_load(&S->a_errno)) {
		int e = atomic_load(&S->a_errno);
		if (e == EPERM || e == EINVAL || e == ENOSYS) {
			printf("cannot-run %s failed: %s\n", S->a_what, strerror(e));
			fflush(stdout);
			exit(CANNOT_RUN);
		}
		printf("trial-error trial=%d mode=%s reason=%s: %s\n", n, mode, S->a_what, strerror(e));
		return -1;
	}
	if (why) {
		printf("trial-error trial=%d mode=%s reason=%s\n", n, mode, why);
		return -1;
	}
	print_burst(n, mode, "before", &before);
	print_burst(n, mode, "after", &after);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int trials = argc > 1 ? atoi(argv[1]) : 20;
	int calls = argc > 2 ? atoi(argv[2]) : 200;
	if (trials < 1 || calls < 1) {
		fprintf(stderr, "usage: %s [TRIALS [CALLS]]\n", argv[0]);
		return 1;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);

	struct utsname u;
	if (uname(&u) == 0)
		printf("uname %s %s %s %s\n", u.sysname, u.release, u.version, u.machine);

#ifndef __NR_membarrier
	cannot_run("%s", "this C library's <sys/syscall.h> has no __NR_membarrier");
#endif
	long mask = sys_membarrier(MEMBARRIER_CMD_QUERY, 0);
	if (mask < 0)
		cannot_run("membarrier(MEMBARRIER_CMD_QUERY) failed: %s (a kernel without CONFIG_MEMBARRIER?)",
			   strerror(errno));
	if (!(mask & MEMBARRIER_CMD_GLOBAL_EXPEDITED) || !(mask & MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED))
		cannot_run("%s", "this kernel does not offer MEMBARRIER_CMD_GLOBAL_EXPEDITED");

	/* the first two CPUs this process may use: the caller's and the target */
	cpu_set_t allowed;
	int caller = -1, target = -1;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0) {
		for (int c = 0; c < CPU_SETSIZE && target < 0; c++) {
			if (!CPU_ISSET(c, &allowed))
				continue;
			if (caller < 0)
				caller = c;
			else
				target = c;
		}
	}
	if (target < 0)
		cannot_run("%s", "fewer than 2 CPUs to run on (the probe needs a caller CPU and a target CPU)");
	if (pin(0, caller) != 0)
		cannot_run("sched_setaffinity failed: %s", strerror(errno));

	struct sched_param fifo = { .sched_priority = 1 }, other = { .sched_priority = 0 };
	if (sched_setscheduler(0, SCHED_FIFO, &fifo) != 0)
		cannot_run("SCHED_FIFO not permitted (%s): run as root or with CAP_SYS_NICE, in a cpu cgroup "
			   "with real-time runtime", strerror(errno));
	sched_setscheduler(0, SCHED_OTHER, &other);

	static char header[LINE_MAX_LEN], row[LINE_MAX_LEN];
	if (read_irq(header, row) != 0)
		cannot_run("%s", "/proc/interrupts has no \"Function call interrupts\" row");

	S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (S == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	printf("config trials=%d calls=%d caller_cpu=%d target_cpu=%d\n", trials, calls, caller, target);
	printf("irq-header %s\n", header);
	for (int i = 1; i <= trials; i++) {
		run_trial(i, 1, calls, target);
		run_trial(i, 0, calls, target);
	}
	printf("done\n");
	fflush(stdout);
	return 0;
}
