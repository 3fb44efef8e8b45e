package lazymm.model.kernel;

import static lazymm.model.kernel.Membarrier.MEMBARRIER_CMD_FLAG_CPU;
import static lazymm.model.kernel.Membarrier.MEMBARRIER_CMD_GLOBAL_EXPEDITED;
import static lazymm.model.kernel.Membarrier.MEMBARRIER_CMD_PRIVATE_EXPEDITED;
import static lazymm.model.kernel.Membarrier.MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ;
import static lazymm.model.kernel.Membarrier.MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE;
import static lazymm.model.kernel.Membarrier.MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lazymm.model.sim.Ghost;
import lazymm.model.sim.Violation;

/**
 * membarrier(2) as user space sees it, and its two oracles. The programs' membarrier users run
 * the fast path (WRITE_ONCE of the thread's flag, barrier(), READ_ONCE of the others') and the
 * slow paths (the same with membarrier() of a command in place of barrier(), through
 * {@link Membarrier#sysMembarrier}), and a JIT's code publication with SYNC_CORE.
 *
 * <p>{@code MembarrierOrdering}: a fast path and a slow path that the command covers
 * ({@link #covers}, from include/uapi/linux/membarrier.h and membarrier(2)) never both miss each
 * other's store. {@code MembarrierSyncCore}: after membarrier(SYNC_CORE) returns, no thread of the
 * process runs user code on a CPU that has not serialized its core since the code was modified
 * ({@link #userCode}).
 *
 * <p>Threads that leave the mm (exit, exec, kthread_unuse_mm) stay covered. membarrier(2) orders
 * a thread's user-space accesses made before it left, as for a running thread: the exit_mm and
 * kthread_unuse_mm scenarios (D, E) of membarrier.c's big comment, whose barrier (d) before
 * {@code current->mm = NULL} pairs with the caller's (c), and 5bc78502322a ("sched: fix exit_mm vs
 * membarrier (v4)"), whose changelog is this very case. So a path reads the flags of the threads
 * that ran a path on its memory and have left it, as it reads the others' (their flag is in the
 * process's memory, which outlives them), and the pair is checked: the exiting thread's last
 * accesses, those before exit_mm() clears {@code current->mm}, count. A thread that exited before
 * the call began, with a full barrier in between (exit_mm()'s), is ordered by that barrier and
 * the call's; the oracle does not excuse it, the memory model shows its store.
 *
 * <p>Blind spots: a pair is checked only when both paths completed (a thread cannot exit in the
 * middle of its own path in the model: exit is an operation of its own program); the flags are
 * one int per thread, so the oracle sees store-load pairs only (not the ordering of two stores
 * of one path, the message passing of 5bc78502322a's changelog);
 * kthreads' fast paths against the single-user shortcut are not held, nor GLOBAL_EXPEDITED pairs on
 * an mm whose registration took the single-user path while a kthread used the mm (see
 * {@link #covers}: the model's kthreads take the mm unasked); the
 * SYNC_CORE oracle looks only where the arch needs sync_core_before_usermode() (x86).
 */
@KernelFile(KernelFile.USER)
final class MembarrierUser {

    private final Kernel k;

    /** What a user-space operation of the oracle is: a fast path, or the command its slow path runs. */
    private enum Kind { FAST, PRIVATE, GLOBAL, SYNC_CORE, CPU }

    /**
     * One user-space fast or slow path: the ticket it stored in its thread's flag, and what it
     * read of the other threads' flags. Each flag has one writer, whose tickets grow, so a smaller
     * ticket read is a store not seen. {@code start} orders it against registrations (the oracle's
     * clock), {@code cpuFrom} / {@code cpuTo} are the CPUs of its store and of its last load,
     * {@code cpuId} the CPU a cpu_id slow path targets.
     */
    private record UserOp(Kind kind, TaskStruct task, MmStruct mm, long stored, long start, int cpuFrom, int cpuTo,
                          int cpuId, Map<TaskStruct, Long> reads, boolean ok) {}

    @Ghost private final List<UserOp> fastOps = new ArrayList<>();
    @Ghost private final List<UserOp> slowOps = new ArrayList<>();
    @Ghost private long tickets;
    /** The oracle's clock: user operations and returns from registration, in the order they happen. */
    @Ghost private long now;
    /** Code modifications so far: a CPU that serialized its core after the n-th has serialized up to n. */
    @Ghost private long codeGen;

    MembarrierUser(Kernel k) { this.k = k; }

    /** membarrier(REGISTER_...) from user space; a registration for GLOBAL_EXPEDITED is noted when it returns. */
    void userRegister(TaskStruct t, int cmd) {
        MmStruct mm = k.mem.read(t.mm);
        if (mm == null) return;
        int ret = k.membarrier.sysMembarrier(cmd, 0, 0);
        if (cmd == MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED && ret == 0 && mm.mbGlobalRegistered == 0) {
            mm.mbGlobalRegistered = ++now;
        }
    }

    /**
     * The fast path: WRITE_ONCE(my_flag, t); barrier(); READ_ONCE of the other threads' flags:
     * those of its own process ({@code shared} false), or of every task, in memory all
     * processes map ({@code shared} true). A kthread runs it on the mm it uses (kthread_use_mm),
     * and does nothing without one.
     */
    void userFast(TaskStruct t, boolean shared) {
        MmStruct mm = k.mem.read(t.mm);
        if (mm == null) return;
        long ticket = ++tickets;
        long start = ++now;
        int cpuFrom = k.smpProcessorId();
        ran(t, mm);
        k.mem.writeOnce(t.userFlag, (int) ticket);
        k.mem.barrier();
        Map<TaskStruct, Long> reads = readFlags(t, shared ? null : mm, false);
        UserOp op = new UserOp(Kind.FAST, t, mm, ticket, start, cpuFrom, k.smpProcessorId(), -1, reads, true);
        for (UserOp s : slowOps) check(op, s);
        reads.putAll(readFlags(t, shared ? null : mm, true));
        for (UserOp s : slowOps) check(op, s);
        fastOps.add(op);
    }

    /** The slow path of membarrier(PRIVATE_EXPEDITED): WRITE_ONCE(my_flag, t); membarrier(); READ_ONCE of the process's flags. */
    void userSlowPrivate(TaskStruct t) { userSlow(t, Kind.PRIVATE, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, -1); }

    /** The slow path of membarrier(GLOBAL_EXPEDITED), over memory every process maps: it reads every task's flag. */
    void userSlowGlobal(TaskStruct t) { userSlow(t, Kind.GLOBAL, MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, -1); }

    /**
     * The slow path of membarrier(PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, cpu): only
     * {@code cpu} is interrupted, if it runs a thread of the process.
     */
    void userSlowCpu(TaskStruct t, int cpu) {
        userSlow(t, Kind.CPU, MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, cpu);
    }

    /**
     * A JIT publishing code: WRITE_ONCE(my_flag, t); modify the process's code (a ghost code
     * generation of the mm); membarrier(PRIVATE_EXPEDITED_SYNC_CORE); READ_ONCE of the process's
     * flags. When the call succeeds, every thread of the process must run user code from then on
     * only on CPUs that serialized their core after the modification ({@link #userCode}).
     */
    void userSyncCore(TaskStruct t) { userSlow(t, Kind.SYNC_CORE, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, -1); }

    private void userSlow(TaskStruct t, Kind kind, int cmd, int flags, int cpuId) {
        MmStruct mm = k.mem.read(t.mm);
        if (mm == null) return;
        long ticket = ++tickets;
        long start = ++now;
        int cpuFrom = k.smpProcessorId();
        ran(t, mm);
        k.mem.writeOnce(t.userFlag, (int) ticket);
        long gen = kind == Kind.SYNC_CORE ? ++codeGen : 0;  // the new code is written (user memory the model does not hold)
        singleUserShortcut = false;
        int ret = k.membarrier.sysMembarrier(cmd, flags, cpuId);
        if (singleUserShortcut) {
            shortcutOps.add(ticket);
            // The shortcut returns with no barrier ("exit from system call is not a mb"), but the
            // return to user space orders the loads it branched on (mm_users, num_online_cpus(),
            // membarrier_state) before the caller's later user-space loads: a control dependency
            // and a context-synchronizing exception return (rfid / rfscv on powerpc, ERET on arm64
            // with SCTLR_EL1.EOS set, as Linux sets it), the hardware's ctrl+isync / ctrl+ISB;
            // x86 and s390 keep loads in order anyway. The model's weak memory has no such event,
            // so the read barrier stands for it; without it, a thread that exited before the call
            // began (exit_mm's smp_mb(), then mmput()'s decrement seen as mm_users == 1) has its
            // last store missed by the caller's load, an outcome the hardware forbids (LKMM, which
            // knows no system-call return, allows it).
            k.mem.smpRmb();  // the return to user space; pairs with: exit_mm()'s smp_mb__after_spinlock() and mmput()'s decrement
        }
        if (kind == Kind.SYNC_CORE && ret == 0) mm.codeSynced = Math.max(mm.codeSynced, gen);
        userCode(t);  // the return to user space
        Map<TaskStruct, Long> reads = readFlags(t, kind == Kind.GLOBAL ? null : mm, false);
        UserOp op = new UserOp(kind, t, mm, ticket, start, cpuFrom, k.smpProcessorId(), cpuId, reads, ret == 0);
        for (UserOp f : fastOps) check(f, op);
        reads.putAll(readFlags(t, kind == Kind.GLOBAL ? null : mm, true));
        for (UserOp f : fastOps) check(f, op);
        slowOps.add(op);
    }

    /**
     * The flags of the other tasks in the memory the path reads: of one process ({@code mm}), or
     * of all ({@code mm} null: memory every process maps). A task's flag is there while the task
     * has that mm (a kthread while it uses it), and stays there after the task left the mm (exit,
     * exec, kthread_unuse_mm): its stores made before it left must still be seen, as the
     * exit_mm and kthread_unuse_mm scenarios (D, E) of membarrier.c's big comment order them.
     * {@code left} false: the tasks on the mm now; true: the tasks that ran a path on it and are
     * no longer on it, read after the others (and checked after them, so a violation among the
     * tasks still there is reported at the same step as before these reads were added).
     */
    private Map<TaskStruct, Long> readFlags(TaskStruct self, MmStruct mm, boolean left) {
        Map<TaskStruct, Long> out = new LinkedHashMap<>();
        for (TaskStruct o : new ArrayList<>(k.tasks)) {  // a copy: the loads below yield, and tasks may be made meanwhile
            if (o == self || o.idle) continue;
            MmStruct om = o.dead ? null : k.mem.peekLatest(o.mm);  // its mm as the task knows it, even if the store is still buffered
            boolean on = om != null && (mm == null || om == mm);
            Set<MmStruct> ran = ranOn.getOrDefault(o, Set.of());
            boolean wasOn = mm == null ? !ran.isEmpty() : ran.contains(mm);
            if (left ? on || !wasOn : !on) continue;
            out.put(o, (long) k.mem.readOnce(o.userFlag));
        }
        return out;
    }

    /** The mms each task ran a fast or slow path on: its flag stays in their memory after it left them. */
    @Ghost private final Map<TaskStruct, Set<MmStruct>> ranOn = new HashMap<>();

    private void ran(TaskStruct t, MmStruct mm) { ranOn.computeIfAbsent(t, x -> new HashSet<>()).add(mm); }

    /** Set by membarrier_private_expedited() when it returns through the single-user shortcut. */
    @Ghost private boolean singleUserShortcut;
    /** The mms whose registration took sync_runqueues_membarrier_state()'s single-user path. */
    @Ghost private final Set<MmStruct> registeredAlone = new HashSet<>();

    /** membarrier_private_expedited() returns through the single-user shortcut (no IPI, no barrier). */
    void singleUserShortcut() { singleUserShortcut = true; }

    /** The mms a kthread used (kthread_use_mm) in this execution. */
    @Ghost private final Set<MmStruct> kthreadUsed = new HashSet<>();

    /** A kthread starts using {@code mm} (kthread_use_mm). */
    void kthreadUsed(MmStruct mm) { kthreadUsed.add(mm); }

    /** sync_runqueues_membarrier_state() took its single-user path for {@code mm}. */
    void registeredAlone(MmStruct mm) { registeredAlone.add(mm); }
    /** The tickets of the slow paths whose call returned through it. */
    @Ghost private final Set<Long> shortcutOps = new HashSet<>();

    /**
     * Which fast paths membarrier(2) orders with a successful slow path, as include/uapi/linux/
     * membarrier.h and the code state it ("non-running threads are de facto in such a state"):
     * <ul>
     *   <li>PRIVATE_EXPEDITED (and SYNC_CORE, which gives the same ordering): every fast path run
     *       on the caller's mm, by a thread of the process or a kthread using the mm; not the
     *       fast paths of other processes, nor those run before an exec on the old mm by a
     *       thread that is now elsewhere (the mm differs).
     *   <li>GLOBAL_EXPEDITED, whatever the caller's process (registered or not): every fast path
     *       run on an mm whose registration for GLOBAL_EXPEDITED had returned before the fast
     *       path began; not fast paths of processes that never registered, registered only
     *       after the fast path began, or exec'd since (exec gives an unregistered mm).
     *   <li>PRIVATE_EXPEDITED_RSEQ with MEMBARRIER_CMD_FLAG_CPU on CPU c: the fast paths on the
     *       caller's mm that ran on CPU c (their store and last load on c); a fast path on
     *       another CPU is not covered. Neither the uapi header nor membarrier(2) promises
     *       ordering for the RSEQ command (they promise the restart of rseq critical sections),
     *       but the code gives it (ipi_rseq's smp_mb() between (a) and (c)) and rseq users rely
     *       on it; this is what the oracle checks. PRIVATE_EXPEDITED itself refuses
     *       MEMBARRIER_CMD_FLAG_CPU in v7.1.5 (-EINVAL), although
     *       membarrier_private_expedited() has the cpu_id path for it.
     * </ul>
     * A thread's own fast and slow paths are never a pair.
     */
    private boolean covers(UserOp slow, UserOp fast) {
        // The single-user shortcut (mm_users == 1: no IPI, no barrier) assumes that only the
        // caller can add users of its mm, in its own program order (clone, or handing the mm to a
        // driver's kthread as vhost's VHOST_SET_OWNER does). The model's kthreads take mm_users
        // with mmget_not_zero() on their own, unasked: a kthread fast path is not held against a
        // slow path that returned through the shortcut (whether a real kthread can do that is a
        // question for the maintainers; noted in DESIGN).
        if (fast.task().kthread && shortcutOps.contains(slow.stored())) return false;
        // The same assumption in sync_runqueues_membarrier_state(): a registration that saw a
        // single user updated only its own runqueue's membarrier_state. Where a kthread used the
        // mm, its mmget_not_zero() could race with that mm_users read (an SB the kernel has no
        // barrier for: atomic_or() of the state, then atomic_read() of mm_users), so the
        // kthread's CPU keeps a runqueue state without GLOBAL_EXPEDITED; not only the kthread's
        // own fast paths then go unordered, but also those of the process's threads that are
        // later switched in on that CPU from the kthread (same mm: no switch_mm(), and on powerpc
        // no full barrier on that switch). A real kthread gets its mm reference from the
        // process (vhost's VHOST_SET_OWNER, in the owner's program order), which the model's
        // unasked use:G does not: no GLOBAL pair on such an mm is held (found by the mutation
        // benchmark on MUT-2ecedd756908, and on membarrier --arch powerpc, with 2ecedd756908's
        // revert irrelevant to it; KernelOracleTest).
        if (slow.kind() == Kind.GLOBAL && registeredAlone.contains(fast.mm())
                && (fast.task().kthread || kthreadUsed.contains(fast.mm()))) {
            return false;
        }
        return switch (slow.kind()) {
            case PRIVATE, SYNC_CORE -> fast.mm() == slow.mm();
            case CPU -> fast.mm() == slow.mm() && fast.cpuFrom() == slow.cpuId() && fast.cpuTo() == slow.cpuId();
            case GLOBAL -> fast.mm().mbGlobalRegistered != 0 && fast.mm().mbGlobalRegistered < fast.start();
            case FAST -> false;
        };
    }

    private static final Map<Kind, String> COMMAND = Map.of(
            Kind.PRIVATE, "membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)",
            Kind.SYNC_CORE, "membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)",
            Kind.GLOBAL, "membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED)",
            Kind.CPU, "membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, cpu%d)");

    private void check(UserOp fast, UserOp slow) {
        if (!slow.ok() || fast.task() == slow.task() || !covers(slow, fast)) return;
        Long fastSaw = fast.reads().get(slow.task());
        Long slowSaw = slow.reads().get(fast.task());
        if (fastSaw == null || slowSaw == null) return;
        if (fastSaw < slow.stored() && slowSaw < fast.stored()) {
            String cmd = COMMAND.get(slow.kind()).formatted(slow.cpuId());
            throw new Violation("MembarrierOrdering", slow.kind() == Kind.GLOBAL ? "membarrier_global_expedited"
                    : "membarrier_private_expedited",
                    "membarrier(2) broken: the slow path of " + slow.task() + " (store " + slow.stored()
                            + ", " + cmd + ", load) and the fast path of " + fast.task() + " on " + fast.mm()
                            + " (store " + fast.stored() + ", barrier(), load, on cpu" + fast.cpuTo()
                            + ") each missed the other's store (they read " + slowSaw + " and " + fastSaw + ")");
        }
    }

    /** The core of this CPU serializes (IRET, a CR3 write, sync_core()): it runs the newest code from now on. */
    void coreSerialized() { k.thisRq().coreSerializedGen = codeGen; }

    /**
     * The oracle of membarrier(PRIVATE_EXPEDITED_SYNC_CORE), checked whenever a user task runs
     * user code (before and after each of its operations): once a SYNC_CORE call of its process
     * has returned, the task runs only on a CPU that serialized its core after the code
     * modification that preceded the call. What serializes: the return from an interrupt (IRET),
     * a CR3 write (switch_mm to another mm), sync_core(); not SYSRET / SYSEXIT, the x86 return
     * from a system call (see Documentation/features/sched/membarrier-sync-core). Checked only
     * where the arch needs sync_core_before_usermode() (x86): elsewhere every return to user space
     * is an exception return, which serializes, and the model has no event for it. Kthreads run no
     * user code.
     */
    void userCode(TaskStruct t) {
        if (t.kthread || !k.arch.hasSyncCoreBeforeUsermode()) return;
        MmStruct mm = k.mem.peekLatest(t.mm);
        if (mm == null || mm.codeSynced == 0) return;
        Rq rq = k.thisRq();
        if (rq.coreSerializedGen < mm.codeSynced) {
            throw new Violation("MembarrierSyncCore", "membarrier_private_expedited",
                    "membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) broken: it returned, but " + t
                            + " runs user code of " + mm + " on cpu" + rq.cpu
                            + ", which has not serialized its core since the code was modified (code generation "
                            + mm.codeSynced + ", cpu" + rq.cpu + " last serialized at generation "
                            + rq.coreSerializedGen + ")");
        }
    }
}
