package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lazymm.model.sim.Ghost;
import lazymm.model.sim.Violation;

/**
 * kernel/sched/membarrier.c (v7.1.5): MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED and
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED (every CPU: cpu_id -1), the IPI handlers, and the helpers the
 * scheduler and the mm paths call (membarrier_switch_mm from kernel/sched/sched.h,
 * membarrier_update_current_mm, membarrier_exec_mmap). The barriers keep the letters of the
 * comment at the top of membarrier.c: (a) before the scan of rq->curr, (c) after the IPIs, (d)
 * before a CPU stops being observable as running the mm, (e)/(g) after it starts.
 *
 * <p>Also the oracle of membarrier(2) for user space: a fast path (WRITE_ONCE of its flag,
 * barrier(), READ_ONCE of the other) and a slow path (WRITE_ONCE, membarrier(), READ_ONCE) of
 * one process never both miss each other's store.
 *
 * <p>Left out: GLOBAL_EXPEDITED, SYNC_CORE, RSEQ, the cpu_id form, membarrier_ipi_mutex and
 * cpus_read_lock (IPIs to CPUs going offline are already excluded by the stop_machine model).
 */
final class Membarrier {

    static final int PRIVATE_EXPEDITED_READY = 1 << 0;
    static final int PRIVATE_EXPEDITED = 1 << 1;
    static final int GLOBAL_EXPEDITED_READY = 1 << 2;  // MEMBARRIER_STATE_GLOBAL_EXPEDITED_READY
    static final int GLOBAL_EXPEDITED = 1 << 3;

    private final Kernel k;

    /**
     * One user-space fast or slow path: the ticket it stored in its thread's flag, and what it
     * read of the flags of the other threads of its process. Each flag has one writer, whose
     * tickets grow, so a smaller ticket read is a store not seen.
     */
    private record UserOp(TaskStruct task, MmStruct mm, long stored, Map<TaskStruct, Long> reads, boolean ok) {}

    @Ghost private final List<UserOp> fastOps = new ArrayList<>();
    @Ghost private final List<UserOp> slowOps = new ArrayList<>();
    @Ghost private long tickets;

    Membarrier(Kernel k) { this.k = k; }

    // ---- the scheduler's and mm paths' helpers ----

    /** membarrier_switch_mm(rq, prev_mm, next_mm) (kernel/sched/sched.h): no barrier of its own. */
    void membarrierSwitchMm(Rq rq, MmStruct prevMm, MmStruct nextMm) {
        if (prevMm == nextMm) return;
        int state = k.mem.atomicRead(nextMm.membarrierState);
        if (k.mem.readOnce(rq.membarrierState) == state) return;
        k.mem.writeOnce(rq.membarrierState, state);
    }

    /** membarrier_update_current_mm(next_mm). */
    void membarrierUpdateCurrentMm(MmStruct nextMm) {
        Rq rq = k.thisRq();
        int state = nextMm == null ? 0 : k.mem.atomicRead(nextMm.membarrierState);
        if (k.mem.readOnce(rq.membarrierState) == state) return;
        k.mem.writeOnce(rq.membarrierState, state);
    }

    /** membarrier_exec_mmap(mm). */
    void membarrierExecMmap(MmStruct mm) {
        /*
         * Issue a memory barrier before clearing membarrier_state to
         * guarantee that no memory access prior to exec is reordered after
         * clearing this state.
         */
        k.mem.smpMb();  // pairs with: membarrier's smp_mb() (c)
        k.mem.atomicSet(mm.membarrierState, 0);
        k.mem.writeOnce(k.thisRq().membarrierState, 0);  // this_cpu_write(runqueues.membarrier_state, 0)
    }

    // ---- the system call ----

    private void ipiMb() {
        k.mem.smpMb();  /* IPIs should be serializing but paranoid. */
    }

    private void ipiSyncRqState(MmStruct mm) {
        if (k.mem.read(k.current().mm) != mm) return;
        k.mem.writeOnce(k.thisRq().membarrierState, k.mem.atomicRead(mm.membarrierState));
        k.mem.smpMb();  // no access after registration before it; pairs with: membarrier's smp_mb() (a)
    }

    /** The CPUs whose rq->curr runs {@code mm}: p = rcu_dereference(rq->curr); p->mm == mm. */
    private long cpusRunning(MmStruct mm) {
        long mask = 0;
        long online = k.mem.readOnce(k.cpuOnlineMask);
        for (Rq rq : k.rqs) {
            if ((online & (1L << rq.cpu)) == 0) continue;
            TaskStruct p = k.mem.readOnce(rq.curr);  // rcu_dereference(cpu_rq(cpu)->curr)
            MmStruct pm = p == null ? null : k.kc.taskMmMarked() ? k.mem.readOnce(p.mm) : k.mem.read(p.mm);  // p->mm: plain in v7.1.5
            if (p != null && pm == mm) mask |= 1L << rq.cpu;
        }
        return mask;
    }

    private int syncRunqueuesMembarrierState(MmStruct mm) {
        int state = k.mem.atomicRead(mm.membarrierState);
        if (k.mem.atomicRead(mm.mmUsers) == 1 || Long.bitCount(k.mem.readOnce(k.cpuOnlineMask)) == 1) {
            k.mem.writeOnce(k.thisRq().membarrierState, state);
            /*
             * For single mm user, we can simply issue a memory barrier
             * after setting MEMBARRIER_STATE_GLOBAL_EXPEDITED in the
             * mm and in the current runqueue to guarantee that no memory
             * access following registration is reordered before
             * registration.
             */
            k.mem.smpMb();
            return 0;
        }
        /*
         * For mm with multiple users, we need to ensure all future
         * scheduler executions will observe @mm's new membarrier state.
         */
        k.rcu.synchronizeRcu();
        k.smp.onEachCpuMask(cpusRunning(mm), () -> ipiSyncRqState(mm), true, "ipi_sync_rq_state");
        return 0;
    }

    /** MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED. */
    int registerPrivateExpedited() {
        MmStruct mm = k.mem.read(k.current().mm);
        if ((k.mem.atomicRead(mm.membarrierState) & PRIVATE_EXPEDITED_READY) == PRIVATE_EXPEDITED_READY) return 0;
        k.mem.atomicOr(PRIVATE_EXPEDITED, mm.membarrierState);
        int ret = syncRunqueuesMembarrierState(mm);
        if (ret != 0) return ret;
        k.mem.atomicOr(PRIVATE_EXPEDITED_READY, mm.membarrierState);
        return 0;
    }

    /** MEMBARRIER_CMD_PRIVATE_EXPEDITED, cpu_id -1: 0, or -EPERM when the mm is not registered. */
    int privateExpedited() {
        MmStruct mm = k.mem.read(k.current().mm);
        if ((k.mem.atomicRead(mm.membarrierState) & PRIVATE_EXPEDITED_READY) == 0) return -1;  // -EPERM
        if (k.mem.atomicRead(mm.mmUsers) == 1 || Long.bitCount(k.mem.readOnce(k.cpuOnlineMask)) == 1) return 0;
        /*
         * Matches memory barriers after rq->curr modification in scheduler.
         */
        if (!k.kc.planted("plant-no-mb-a")) k.mem.smpMb();  /* system call entry is not a mb. */  // (a); pairs with: (e)/(g) after rq->curr / tsk->mm; PLANTED: plant-no-mb-a
        long mask = cpusRunning(mm) & ~(1L << k.smpProcessorId());  // smp_call_function_many skips self
        k.smp.onEachCpuMask(mask, this::ipiMb, true, "ipi_mb");
        /*
         * Memory barrier on the caller thread _after_ we finished
         * waiting for the last IPI. Matches memory barriers before
         * rq->curr modification in scheduler.
         */
        if (!k.kc.planted("plant-no-mb-c")) k.mem.smpMb();  /* exit from system call is not a mb */  // (c); pairs with: (d); PLANTED: plant-no-mb-c
        return 0;
    }

    // ---- user space, and the oracle ----

    /** The fast path: WRITE_ONCE(my_flag, t); barrier(); READ_ONCE of the other threads' flags. */
    void userFast(TaskStruct t) {
        MmStruct mm = k.mem.read(t.mm);
        long ticket = ++tickets;
        k.mem.writeOnce(t.userFlag, (int) ticket);
        k.mem.barrier();
        UserOp op = new UserOp(t, mm, ticket, readFlags(t, mm), true);
        for (UserOp s : slowOps) check(op, s);
        fastOps.add(op);
    }

    /** The slow path: WRITE_ONCE(my_flag, t); membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED); READ_ONCEs. */
    void userSlow(TaskStruct t) {
        MmStruct mm = k.mem.read(t.mm);
        long ticket = ++tickets;
        k.mem.writeOnce(t.userFlag, (int) ticket);
        k.enter();
        int ret = privateExpedited();
        k.leave();
        UserOp op = new UserOp(t, mm, ticket, readFlags(t, mm), ret == 0);
        for (UserOp f : fastOps) check(f, op);
        slowOps.add(op);
    }

    /** The flags of the other live threads of this process (user memory every thread can read). */
    private Map<TaskStruct, Long> readFlags(TaskStruct self, MmStruct mm) {
        Map<TaskStruct, Long> out = new LinkedHashMap<>();
        for (TaskStruct o : new ArrayList<>(k.tasks)) {  // a copy: the loads below yield, and tasks may be made meanwhile
            if (o == self || o.kthread || o.idle || o.dead || o.mm.peek() != mm) continue;
            out.put(o, (long) k.mem.readOnce(o.userFlag));
        }
        return out;
    }

    private void check(UserOp fast, UserOp slow) {
        if (!slow.ok() || fast.mm() != slow.mm() || fast.task() == slow.task()) return;
        Long fastSaw = fast.reads().get(slow.task());
        Long slowSaw = slow.reads().get(fast.task());
        if (fastSaw == null || slowSaw == null) return;
        if (fastSaw < slow.stored() && slowSaw < fast.stored()) {
            throw new Violation("MembarrierOrdering", "membarrier",
                    "membarrier(2) broken: the slow path of " + slow.task() + " (store " + slow.stored()
                            + ", membarrier(), load) and the fast path of " + fast.task() + " (store "
                            + fast.stored() + ", barrier(), load) each missed the other's store in "
                            + fast.mm() + " (they read " + slowSaw + " and " + fastSaw + ")");
        }
    }
}
