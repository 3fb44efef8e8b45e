package lazymm.model.kernel;


/**
 * kernel/sched/membarrier.c (v7.1.5): the system call (sys_membarrier's checks of cmd, flags and
 * cpu_id), MEMBARRIER_CMD_GLOBAL_EXPEDITED, MEMBARRIER_CMD_PRIVATE_EXPEDITED with its SYNC_CORE and
 * RSEQ forms (every CPU, or the cpu_id form, which v7.1.5 accepts only with
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ and MEMBARRIER_CMD_FLAG_CPU), the four registrations
 * with sync_runqueues_membarrier_state, the IPI handlers, and the helpers the scheduler and the
 * mm paths call (membarrier_switch_mm from kernel/sched/sched.h, membarrier_update_current_mm,
 * membarrier_exec_mmap). The barriers keep the letters of the comment at the top of
 * membarrier.c: (a) before the scan of rq->curr, (c) after the IPIs, (d) before a CPU stops being
 * observable as running the mm, (e)/(g) after it starts. With membarrier users,
 * membarrier_switch_mm carries this project's fix for GLOBAL-STALE-STATE (the line marked with it).
 *
 * <p>The oracles of membarrier(2) in user-space terms are {@link MembarrierUser}'s.
 *
 * <p>The rcu_read_lock() sections around the scans of rq->curr are counted ({@link Rcu#rcuReadLock}).
 *
 * <p>Left out: MEMBARRIER_CMD_GLOBAL (synchronize_rcu() alone), QUERY and GET_REGISTRATIONS;
 * the rseq part of ipi_rseq (rseq critical sections are not modelled, its smp_mb() is);
 * membarrier_ipi_mutex and cpus_read_lock (IPIs to CPUs going offline are already excluded by the
 * stop_machine model); -ENOMEM; prepare_sync_core_cmd() (a no-op except on riscv, which selects
 * ARCH_HAS_PREPARE_SYNC_CORE_CMD).
 */
@KernelFile(value = "kernel/sched/membarrier.c", unit = "kernel/sched/build_utility.c")
final class Membarrier {

    /* enum membarrier_cmd (include/uapi/linux/membarrier.h) */
    static final int MEMBARRIER_CMD_GLOBAL_EXPEDITED = 1 << 1;
    static final int MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED = 1 << 2;
    static final int MEMBARRIER_CMD_PRIVATE_EXPEDITED = 1 << 3;
    static final int MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 1 << 4;
    static final int MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 5;
    static final int MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 6;
    static final int MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ = 1 << 7;
    static final int MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ = 1 << 8;
    /* enum membarrier_cmd_flag */
    static final int MEMBARRIER_CMD_FLAG_CPU = 1 << 0;

    /* mm->membarrier_state and rq->membarrier_state bits (include/linux/sched/mm.h) */
    static final int MEMBARRIER_STATE_PRIVATE_EXPEDITED_READY = 1 << 0;
    static final int MEMBARRIER_STATE_PRIVATE_EXPEDITED = 1 << 1;
    static final int MEMBARRIER_STATE_GLOBAL_EXPEDITED_READY = 1 << 2;
    static final int MEMBARRIER_STATE_GLOBAL_EXPEDITED = 1 << 3;
    static final int MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE_READY = 1 << 4;
    static final int MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 5;
    static final int MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ_READY = 1 << 6;
    static final int MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ = 1 << 7;
    static final int MEMBARRIER_FLAG_SYNC_CORE = 1 << 0;
    static final int MEMBARRIER_FLAG_RSEQ = 1 << 1;

    private static final int EPERM = 1;
    private static final int EINVAL = 22;

    private final Kernel k;

    Membarrier(Kernel k) { this.k = k; }

    // ---- the scheduler's and mm paths' helpers ----

    /**
     * membarrier_switch_mm(rq, prev_mm, next_mm) (kernel/sched/sched.h). The scheduler provides
     * the barriers membarrier needs around the store to rq->membarrier_state, as around the
     * store to rq->curr: no barrier of its own.
     */
    void membarrierSwitchMm(Rq rq, MmStruct prevMm, MmStruct nextMm) {
        // lazymm: prev_mm is the lazy active_mm; exit_mm and kthread_unuse_mm cleared
        // rq->membarrier_state while keeping it, and a registration does not reach a lazy CPU
        if (prevMm == nextMm && !k.kc.has(Patch.MEMBARRIER_SWITCH_SAME_MM)) return;  // PATCH: lazymm-membarrier-same-mm: v7.1.5's shortcut keeps a stale rq->membarrier_state (GLOBAL-STALE-STATE)
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
        // PATCH: 227a4aadc75b-b: before it, membarrier_execve() cleared the state with no barrier
        // (the runqueue's copy, the other half of that commit, stays)
        if (k.kc.has(Patch.MEMBARRIER_EXEC_MMAP_MB)) k.mem.smpMb();  // pairs with: membarrier's smp_mb() (c); PATCH: 227a4aadc75b-b
        k.mem.atomicSet(mm.membarrierState, 0);
        k.mem.writeOnce(k.thisRq().membarrierState, 0);  // this_cpu_write(runqueues.membarrier_state, 0)
    }

    // ---- the IPI handlers ----

    private void ipiMb() {
        k.mem.smpMb();  /* IPIs should be serializing but paranoid. */
    }

    private void ipiSyncCore() {
        /*
         * The smp_mb() in membarrier after all the IPIs is supposed to
         * ensure that memory on remote CPUs that occur before the IPI
         * become visible to membarrier()'s caller -- see scenario B in
         * the big comment at the top of this file.
         *
         * A sync_core() would provide this guarantee, but
         * sync_core_before_usermode() might end up being deferred until
         * after membarrier()'s smp_mb().
         */
        k.mem.smpMb();  /* IPIs should be serializing but paranoid. */

        k.arch.syncCoreBeforeUsermode();
    }

    private void ipiRseq() {
        /*
         * Ensure that all stores done by the calling thread are visible
         * to the current task before the current task resumes.  We could
         * probably optimize this away on most architectures, but by the
         * time we've already sent an IPI, the cost of the extra smp_mb()
         * is negligible.
         */
        if (k.kc.has(Patch.MEMBARRIER_RSEQ_MB)) k.mem.smpMb();  // pairs with: membarrier's smp_mb() (a); PATCH: 2ecedd756908: v5.9's ipi_rseq() calls rseq_preempt() alone
        // rseq_sched_switch_event(current) or rseq_force_update(): rseq is not modelled
    }

    private void ipiSyncRqState(MmStruct mm) {
        if (k.mem.read(k.current().mm) != mm) return;
        k.mem.writeOnce(k.thisRq().membarrierState, k.mem.atomicRead(mm.membarrierState));
        /*
         * Issue a memory barrier after setting
         * MEMBARRIER_STATE_GLOBAL_EXPEDITED in the current runqueue to
         * guarantee that no memory access following registration is reordered
         * before registration.
         */
        k.mem.smpMb();  // pairs with: membarrier's smp_mb() (a)
    }

    // ---- the system call ----

    /**
     * SYSCALL_DEFINE3(membarrier, int, cmd, unsigned int, flags, int, cpu_id), for the commands
     * modelled; a system call, so a kernel path of the calling task.
     */
    int sysMembarrier(int cmd, int flags, int cpuId) {
        if (cmd == MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ) {
            if (flags != 0 && flags != MEMBARRIER_CMD_FLAG_CPU) return -EINVAL;
        } else if (flags != 0) {
            return -EINVAL;
        }
        if ((flags & MEMBARRIER_CMD_FLAG_CPU) == 0) cpuId = -1;

        // No try/finally around the call: a violation thrown inside it (a data race in the scan,
        // under rcu_read_lock()) ends the execution there, and a finally's k.leave() would run
        // lockdep_sys_exit() on the way out and replace it with "lock held when returning to user
        // space", a return that never happened.
        k.enter();
        int ret = switch (cmd) {
            case MEMBARRIER_CMD_GLOBAL_EXPEDITED -> membarrierGlobalExpedited();
            case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED -> membarrierRegisterGlobalExpedited();
            case MEMBARRIER_CMD_PRIVATE_EXPEDITED -> membarrierPrivateExpedited(0, cpuId);
            case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED -> membarrierRegisterPrivateExpedited(0);
            case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE -> membarrierPrivateExpedited(MEMBARRIER_FLAG_SYNC_CORE, cpuId);
            case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE -> membarrierRegisterPrivateExpedited(MEMBARRIER_FLAG_SYNC_CORE);
            case MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ -> membarrierPrivateExpedited(MEMBARRIER_FLAG_RSEQ, cpuId);
            case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ -> membarrierRegisterPrivateExpedited(MEMBARRIER_FLAG_RSEQ);
            default -> -EINVAL;
        };
        k.leave();
        return ret;
    }

    /** num_online_cpus(). */
    private int numOnlineCpus() { return Integer.bitCount(k.mem.readOnce(k.cpuOnlineMask)); }

    /** cpu_online(cpu). */
    private boolean cpuOnline(int cpu) { return (k.mem.readOnce(k.cpuOnlineMask) & (1L << cpu)) != 0; }

    private int membarrierGlobalExpedited() {
        if (numOnlineCpus() == 1) return 0;

        /*
         * Matches memory barriers after rq->curr modification in
         * scheduler.
         */
        if (!k.kc.has(Patch.PLANT_NO_MB_A)) k.mem.smpMb();  /* system call entry is not a mb. */  // (a); pairs with: (e)/(g) after rq->curr / tsk->mm; PATCH: plant-no-mb-a

        long tmpmask = 0;
        k.rcu.rcuReadLock();
        for (Rq rq : k.rqs) {  // for_each_online_cpu(cpu)
            if (!cpuOnline(rq.cpu)) continue;
            /*
             * Skipping the current CPU is OK even through we can be
             * migrated at any point. The current CPU, at the point
             * where we read raw_smp_processor_id(), is ensured to
             * be in program order with respect to the caller
             * thread. Therefore, we can skip this CPU from the
             * iteration.
             */
            if (rq.cpu == k.smpProcessorId()) continue;

            boolean rqState = k.kc.has(Patch.MEMBARRIER_RQ_STATE_SCAN);  // PATCH: 227a4aadc75b-a
            if (rqState && (k.mem.readOnce(rq.membarrierState) & MEMBARRIER_STATE_GLOBAL_EXPEDITED) == 0) continue;  // PATCH: 227a4aadc75b-a

            /*
             * Skip the CPU if it runs a kernel thread which is not using
             * a task mm.
             */
            TaskStruct p = k.mem.readOnce(rq.curr);  // rcu_dereference(cpu_rq(cpu)->curr)
            MmStruct pm = null;
            if (k.kc.has(Patch.MEMBARRIER_KTHREAD_GLOBAL)) {  // PATCH: 618758ed3a4f-a
                pm = k.kc.has(Patch.TASK_MM_ONCE) ? k.mem.readOnce(p.mm) : k.mem.read(p.mm);  // p->mm: plain in v7.1.5; PATCH: luto-task-mm-once
                if (pm == null) continue;
            } else {  // PATCH: 618758ed3a4f-a: v5.10 skips every kthread, one inside kthread_use_mm() too
                if (p.kthread) continue;  // if (p->flags & PF_KTHREAD) continue;
            }
            if (!rqState) {  // PATCH: 227a4aadc75b-a: v5.3 loads the state from p->mm, which RCU does not keep alive
                if (pm == null) pm = k.kc.has(Patch.TASK_MM_ONCE) ? k.mem.readOnce(p.mm) : k.mem.read(p.mm);  // if (p && p->mm && ...; PATCH: luto-task-mm-once
                if (pm == null || (k.mem.atomicRead(pm.membarrierState) & MEMBARRIER_STATE_GLOBAL_EXPEDITED) == 0) continue;
            }

            tmpmask |= 1L << rq.cpu;
        }
        k.rcu.rcuReadUnlock();
        if (k.kc.has(Patch.PLANT_NO_IPI_GLOBAL)) tmpmask = 0;  // PATCH: plant-no-ipi-global: no IPI is sent
        k.smp.onEachCpuMask(tmpmask, this::ipiMb, true, "ipi_mb");  // smp_call_function_many(tmpmask, ipi_mb, NULL, 1)

        /*
         * Memory barrier on the caller thread _after_ we finished
         * waiting for the last IPI. Matches memory barriers before
         * rq->curr modification in scheduler.
         */
        if (!k.kc.has(Patch.PLANT_NO_MB_C)) k.mem.smpMb();  /* exit from system call is not a mb */  // (c); pairs with: (d); PATCH: plant-no-mb-c
        return 0;
    }

    private int membarrierPrivateExpedited(int flags, int cpuId) {
        MmStruct mm = k.mem.read(k.current().mm);
        Runnable ipiFunc = this::ipiMb;
        String ipiName = "ipi_mb";

        if (flags == MEMBARRIER_FLAG_SYNC_CORE) {
            // IS_ENABLED(CONFIG_ARCH_HAS_MEMBARRIER_SYNC_CORE): x86, arm64 and powerpc select it
            if ((k.mem.atomicRead(mm.membarrierState) & MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE_READY) == 0) return -EPERM;
            ipiFunc = this::ipiSyncCore;
            ipiName = "ipi_sync_core";
            // prepare_sync_core_cmd(mm): nothing here (riscv only)
        } else if (flags == MEMBARRIER_FLAG_RSEQ) {
            // IS_ENABLED(CONFIG_RSEQ)
            if ((k.mem.atomicRead(mm.membarrierState) & MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ_READY) == 0) return -EPERM;
            ipiFunc = this::ipiRseq;
            ipiName = "ipi_rseq";
        } else {
            if ((k.mem.atomicRead(mm.membarrierState) & MEMBARRIER_STATE_PRIVATE_EXPEDITED_READY) == 0) return -EPERM;
        }

        if ((flags != MEMBARRIER_FLAG_SYNC_CORE || !k.kc.has(Patch.MEMBARRIER_SYNC_CORE_SELF))  // PATCH: e45cdc71d1fa: v5.9 takes the shortcut for SYNC_CORE too
                && (k.mem.atomicRead(mm.mmUsers) == 1 || numOnlineCpus() == 1)) {
            k.membarrierUser.singleUserShortcut();  // for the oracle: see MembarrierUser.covers()
            return 0;
        }

        /*
         * Matches memory barriers after rq->curr modification in
         * scheduler.
         *
         * On RISC-V, this barrier pairing is also needed for the
         * SYNC_CORE command when switching between processes, cf.
         * the inline comments in membarrier_arch_switch_mm().
         */
        if (!k.kc.has(Patch.PLANT_NO_MB_A)) k.mem.smpMb();  /* system call entry is not a mb. */  // (a); pairs with: (e)/(g) after rq->curr / tsk->mm; PATCH: plant-no-mb-a

        if (cpuId >= 0) {
            if (cpuId < k.cpus() && cpuOnline(cpuId)  // else goto out
                    && (k.kc.has(Patch.MEMBARRIER_SYNC_CORE_SELF) || cpuId != k.smpProcessorId())) {  // PATCH: e45cdc71d1fa: v5.9: if (cpu_id == raw_smp_processor_id()) goto out;
                k.rcu.rcuReadLock();
                TaskStruct p = k.mem.readOnce(k.rqs[cpuId].curr);  // rcu_dereference(cpu_rq(cpu_id)->curr)
                MmStruct pm = p == null ? null : k.kc.has(Patch.TASK_MM_ONCE) ? k.mem.readOnce(p.mm) : k.mem.read(p.mm);  // p->mm: plain in v7.1.5; PATCH: luto-task-mm-once
                k.rcu.rcuReadUnlock();  // on both branches, before the IPI
                if (p != null && pm == mm && !k.kc.has(Patch.PLANT_NO_IPI_CPU)) {  // else goto out; PATCH: plant-no-ipi-cpu: no IPI is sent
                    /*
                     * smp_call_function_single() will call ipi_func() if cpu_id
                     * is the calling CPU.
                     */
                    k.smp.onEachCpuMask(1L << cpuId, ipiFunc, true, ipiName);  // smp_call_function_single(cpu_id, ipi_func, NULL, 1)
                }
            }
        } else {
            long tmpmask = 0;
            k.rcu.rcuReadLock();
            for (Rq rq : k.rqs) {  // for_each_online_cpu(cpu)
                if (!cpuOnline(rq.cpu)) continue;
                if (!k.kc.has(Patch.MEMBARRIER_SYNC_CORE_SELF) && rq.cpu == k.smpProcessorId()) continue;  // PATCH: e45cdc71d1fa: v5.9 skips this CPU for every command
                if (!k.kc.has(Patch.MEMBARRIER_RCU_MERGE)) k.rcu.rcuReadLock();  // PATCH: 73956fc07dd7: v5.4-rc1's merge left a second rcu_read_lock() here, never unlocked
                TaskStruct p = k.mem.readOnce(rq.curr);  // rcu_dereference(cpu_rq(cpu)->curr)
                MmStruct pm = p == null ? null : k.kc.has(Patch.TASK_MM_ONCE) ? k.mem.readOnce(p.mm) : k.mem.read(p.mm);  // p->mm: plain in v7.1.5; PATCH: luto-task-mm-once
                if (p != null && pm == mm) tmpmask |= 1L << rq.cpu;
            }
            k.rcu.rcuReadUnlock();
            if (k.kc.has(Patch.PLANT_NO_IPI_SYNC_CORE) && flags == MEMBARRIER_FLAG_SYNC_CORE) tmpmask = 0;  // PATCH: plant-no-ipi-sync-core: no IPI is sent
            /*
             * For regular membarrier, we can save a few cycles by
             * skipping the current cpu -- we're about to do smp_mb()
             * below, and if we migrate to a different cpu, this cpu
             * and the new cpu will execute a full barrier in the
             * scheduler.
             *
             * For SYNC_CORE, we do need a barrier on the current cpu --
             * otherwise, if we are migrated and replaced by a different
             * task in the same mm just before, during, or after
             * membarrier, we will end up with some thread in the mm
             * running without a core sync.
             */
            if (flags != MEMBARRIER_FLAG_SYNC_CORE || !k.kc.has(Patch.MEMBARRIER_SYNC_CORE_SELF)) {  // PATCH: e45cdc71d1fa: v5.9 calls smp_call_function_many() for every command
                tmpmask &= ~(1L << k.smpProcessorId());  // smp_call_function_many() skips this CPU
            }
            k.smp.onEachCpuMask(tmpmask, ipiFunc, true, ipiName);
        }

        // out:
        /*
         * Memory barrier on the caller thread _after_ we finished
         * waiting for the last IPI. Matches memory barriers before
         * rq->curr modification in scheduler.
         */
        if (!k.kc.has(Patch.PLANT_NO_MB_C)) k.mem.smpMb();  /* exit from system call is not a mb */  // (c); pairs with: (d); PATCH: plant-no-mb-c
        return 0;
    }

    private int syncRunqueuesMembarrierState(MmStruct mm) {
        int state = k.mem.atomicRead(mm.membarrierState);
        if (k.mem.atomicRead(mm.mmUsers) == 1 || numOnlineCpus() == 1) {
            k.membarrierUser.registeredAlone(mm);  // for the oracle: see MembarrierUser.covers()
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
        /*
         * For each cpu runqueue, if the task's mm match @mm, ensure that all
         * @mm's membarrier state set bits are also set in the runqueue's
         * membarrier state. This ensures that a runqueue scheduling
         * between threads which are users of @mm has its membarrier state
         * updated.
         */
        long tmpmask = 0;
        k.rcu.rcuReadLock();
        for (Rq rq : k.rqs) {  // for_each_online_cpu(cpu)
            if (!cpuOnline(rq.cpu)) continue;
            TaskStruct p = k.mem.readOnce(rq.curr);  // rcu_dereference(rq->curr)
            MmStruct pm = p == null ? null : k.kc.has(Patch.TASK_MM_ONCE) ? k.mem.readOnce(p.mm) : k.mem.read(p.mm);  // p->mm: plain in v7.1.5; PATCH: luto-task-mm-once
            if (p != null && pm == mm) tmpmask |= 1L << rq.cpu;
        }
        k.rcu.rcuReadUnlock();
        if (!k.kc.has(Patch.MEMBARRIER_SYNC_RQ_LOCAL)) {  // PATCH: ce29ddc47b91: v5.11: preempt_disable(); smp_call_function_many(); preempt_enable()
            tmpmask &= ~(1L << k.smpProcessorId());  // smp_call_function_many() skips this CPU (no preemption point until the call)
        }
        k.smp.onEachCpuMask(tmpmask, () -> ipiSyncRqState(mm), true, "ipi_sync_rq_state");  // on_each_cpu_mask(tmpmask, ipi_sync_rq_state, mm, true)
        return 0;
    }

    private int membarrierRegisterGlobalExpedited() {
        MmStruct mm = k.mem.read(k.current().mm);
        if ((k.mem.atomicRead(mm.membarrierState) & MEMBARRIER_STATE_GLOBAL_EXPEDITED_READY) != 0) return 0;
        k.mem.atomicOr(MEMBARRIER_STATE_GLOBAL_EXPEDITED, mm.membarrierState);
        int ret = syncRunqueuesMembarrierState(mm);
        if (ret != 0) return ret;
        k.mem.atomicOr(MEMBARRIER_STATE_GLOBAL_EXPEDITED_READY, mm.membarrierState);
        return 0;
    }

    private int membarrierRegisterPrivateExpedited(int flags) {
        MmStruct mm = k.mem.read(k.current().mm);
        int readyState = MEMBARRIER_STATE_PRIVATE_EXPEDITED_READY;
        int setState = MEMBARRIER_STATE_PRIVATE_EXPEDITED;

        if (flags == MEMBARRIER_FLAG_SYNC_CORE) {
            readyState = MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE_READY;
        } else if (flags == MEMBARRIER_FLAG_RSEQ) {
            readyState = MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ_READY;
        }

        /*
         * We need to consider threads belonging to different thread
         * groups, which use the same mm. (CLONE_VM but not
         * CLONE_THREAD).
         */
        if ((k.mem.atomicRead(mm.membarrierState) & readyState) == readyState) return 0;
        if ((flags & MEMBARRIER_FLAG_SYNC_CORE) != 0) setState |= MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE;
        if ((flags & MEMBARRIER_FLAG_RSEQ) != 0) setState |= MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ;
        k.mem.atomicOr(setState, mm.membarrierState);
        int ret = syncRunqueuesMembarrierState(mm);
        if (ret != 0) return ret;
        k.mem.atomicOr(readyState, mm.membarrierState);
        return 0;
    }
}
