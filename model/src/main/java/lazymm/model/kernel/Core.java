package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * kernel/sched/core.c (v7.1.5): __schedule, context_switch with its four mm cases,
 * finish_task_switch, the hotplug switch to init_mm (sched_force_init_mm), and the hazard-pointer
 * RFC's mmdrop_lazy / mm_unlazy_mm_count (seed 003, Peter Zijlstra's cleanup of Andy
 * Lutomirski's patch, on top of today's lazy helpers). Also the task entry (schedule_tail) and
 * the idle loop (kernel/sched/idle.c's do_idle, reduced to: run tasks, do the hotplug work).
 * Left out: scheduling classes and their pick order (the next task is a scheduler choice among
 * the ready ones), rq clocks, rseq, mm_cid, psi, perf, kcov, preempt notifiers.
 */
@KernelFile("kernel/sched/core.c")
final class Core {

    private final Kernel k;

    Core(Kernel k) { this.k = k; }

    // ---- schedule ----

    /** schedule(): a voluntary switch; the task stays ready to run. */
    void schedule() {
        TaskStruct me = k.current();
        me.preemptCount++;   // preempt_disable()
        __schedule();
        me.preemptCount--;   // sched_preempt_enable_no_resched()
    }

    /** __schedule(): the task may come back on another CPU. */
    void __schedule() {
        Rq rq = k.thisRq();
        TaskStruct prev = rq.current;
        rq.inSwitch = true;

        k.localIrqDisable();
        /*
         * Also, the membarrier system call requires a full memory barrier
         * after coming from user-space, before storing to rq->curr; this
         * barrier matches a full barrier in the proximity of the membarrier
         * system call exit.
         */
        k.mem.spinLock(rq.lock);
        if (!k.kc.has(Patch.PLANT_NO_MB_D)) k.mem.smpMbAfterSpinlock();  // pairs with: membarrier's smp_mb() (a) / (c); barrier (d); PATCH: plant-no-mb-d

        int prevState = k.mem.readOnce(prev.state);
        TaskStruct next = pickNextTask(rq, prev, prevState);
        if (next != prev) {
            /*
             * RCU users of rcu_dereference(rq->curr) may not see
             * changes to task_struct made by pick_next_task().
             */
            k.mem.writeOnce(rq.curr, next);  // RCU_INIT_POINTER(rq->curr, next)
            /*
             * The membarrier system call requires each architecture
             * to have a full memory barrier after updating
             * rq->curr, before returning to user-space.
             * - mm ? switch_mm() : mmdrop() for x86, s390, sparc, PowerPC, RISC-V.
             */
            contextSwitch(rq, prev, next);
        } else {
            k.mem.spinUnlock(rq.lock);
            k.localIrqEnable();
            rq.inSwitch = false;
        }
    }

    /**
     * pick_next_task(): a ready task that is on no CPU, chosen by the scheduler; the idle task
     * when there is none, or when this CPU is going offline. Waits for a task that last ran
     * elsewhere to be off that CPU (the on_cpu acquire that try_to_wake_up and migration do).
     */
    private TaskStruct pickNextTask(Rq rq, TaskStruct prev, int prevState) {
        if (!prev.idle && prevState != TaskStruct.TASK_DEAD && !prev.queued) {
            prev.queued = true;
            k.runList.add(prev);
        }
        List<TaskStruct> ready = new ArrayList<>();
        if (!k.hotplug.goingDown(rq.cpu)) {
            for (TaskStruct t : k.runList) {
                if ((!t.running || t == prev) && !t.sleeping) ready.add(t);
            }
        }
        if (ready.isEmpty()) return rq.idle;
        TaskStruct next = ready.get(k.m.choose(ready.size()));
        next.queued = false;
        k.runList.remove(next);
        next.running = true;
        if (next != prev) {
            // pairs with: finish_task()'s smp_store_release(&prev->on_cpu, 0) on the CPU it left
            k.mem.smpCondLoadAcquire(next.onCpu, v -> v == 0, next.name + "->on_cpu == 0");  // pairs with: finishTaskSwitch
        }
        return next;
    }

    /** context_switch - switch to the new MM and the new thread's register state. */
    void contextSwitch(Rq rq, TaskStruct prev, TaskStruct next) {
        prepareTaskSwitch(rq, prev, next);
        k.lazyMmu.archStartContextSwitch(prev);  // arch_start_context_switch(prev): paravirt (Xen PV)

        /*
         * kernel -> kernel   lazy + transfer active
         *   user -> kernel   lazy + mmgrab_lazy_tlb() active
         *
         * kernel ->   user   switch + mmdrop_lazy_tlb() active
         *   user ->   user   switch
         */
        MmStruct prevActive = k.mem.read(prev.activeMm);
        if (k.mem.read(next.mm) == null) {                 // to kernel
            k.arch.enterLazyTlb(prevActive, next);

            k.mem.write(next.activeMm, prevActive);
            if (k.mem.read(prev.mm) != null) {             // from user
                if (k.kc.lazyTlb().hazard()) {
                    k.warnOn(k.mem.readOnce(rq.lazyMm) != null, "context_switch", "rq->lazy_mm is already set");
                    /*
                     * Acquire a lazy_mm reference to the active (lazy) mm. No explicit
                     * barrier needed: we still hold an explicit (mm_users) reference.
                     * __mmput() can't be called until we call mmput() to drop our
                     * reference, and __mmput() is a release barrier.
                     */
                    k.mem.writeOnce(rq.lazyMm, prevActive);
                } else if (!k.kc.has(Patch.PLANT_NO_LAZY_GRAB)) {  // PATCH: plant-no-lazy-grab: no mmgrab_lazy_tlb
                    k.smm.mmgrabLazyTlb(prevActive);
                }
            } else {
                k.mem.write(prev.activeMm, null);
            }
        } else {                                           // to user
            MmStruct nextMm = k.mem.read(next.mm);
            membarrierSwitchMm(rq, prevActive, nextMm);
            /*
             * sys_membarrier() requires an smp_mb() between setting
             * rq->curr / membarrier_switch_mm() and returning to userspace.
             *
             * The below provides this either through switch_mm(), or in
             * case 'prev->active_mm == next->mm' through
             * finish_task_switch()'s mmdrop().
             */
            k.arch.switchMmIrqsOff(prevActive, nextMm, next);

            if (k.mem.read(prev.mm) == null) {             // from kernel
                if (k.kc.lazyTlb().hazard()) {
                    k.mem.write(prev.activeMm, null);
                    /* Drop our lazy_mm reference to the old lazy mm. */
                    k.mem.smpStoreRelease(rq.lazyMm, null);  // pairs with: mm_unlazy_mm_count's smp_load_acquire
                } else {
                    /* will mmdrop_lazy_tlb() in finish_task_switch(). */
                    k.mem.write(rq.prevMm, prevActive);
                    k.mem.write(prev.activeMm, null);
                }
            }
        }

        /* Here we just switch the register state and the stack. */
        switchTo(rq, prev, next);
        finishTaskSwitch(k.thisRq().last);
    }

    /** prepare_task_switch() -> prepare_task(next): WRITE_ONCE(next->on_cpu, 1). */
    private void prepareTaskSwitch(Rq rq, TaskStruct prev, TaskStruct next) {
        k.mem.writeOnce(next.onCpu, 1);
    }

    /** switch_to(prev, next, last): returns on prev's stack when some CPU switches back to prev. */
    private void switchTo(Rq rq, TaskStruct prev, TaskStruct next) {
        k.arch.switchTo(prev, next);  // __switch_to()
        rq.last = prev;
        rq.current = next;
        k.rcu.inputsChanged();  // an idle task now or no more: RCU's quiescent-state inputs
        prev.running = false;
        k.m.switchTo(next.thread);
        k.lazyMmu.archEndContextSwitch(prev);  // __switch_to's arch_end_context_switch(next_p): prev is this task, switched back in
    }

    /** finish_task_switch - clean up after a task-switch. */
    void finishTaskSwitch(TaskStruct prev) {
        Rq rq = k.thisRq();
        MmStruct mm = k.kc.lazyTlb().hazard() ? null : k.mem.read(rq.prevMm);
        if (!k.kc.lazyTlb().hazard()) k.mem.write(rq.prevMm, null);

        /*
         * We must observe prev->state before clearing prev->on_cpu (in
         * finish_task), otherwise a concurrent wakeup can get prev
         * running on another CPU and we could rave with its RUNNING -> DEAD
         * transition, resulting in a double drop.
         */
        int prevState = k.mem.readOnce(prev.state);
        k.mem.smpStoreRelease(prev.onCpu, 0);  // finish_task(); pairs with: pickNextTask's acquire
        k.mem.spinUnlock(rq.lock);             // finish_lock_switch()
        k.localIrqEnable();
        k.arch.finishArchPostLockSwitch();

        if (k.kc.lazyTlb().hazard()) {
            /*
             * Do this unconditionally.  There's a race in which a remote CPU
             * sees rq->lazy_mm != NULL and gives us an extra mm ref while we
             * are executing this code and we don't notice.
             *
             * lazymm: "unconditionally" once this CPU is no longer lazy. The RFC dropped the
             * reference on every switch, kernel->kernel ones included, where the CPU still uses
             * the mm lazily: x86 got away with it because exit_mmap's freed-tables flush had
             * already sent lazy CPUs to init_mm, leaving only a dangling active_mm.
             */
            if (k.mem.readOnce(rq.lazyMm) == null) mmdropLazy(rq);
            // hazard done right: membarrier SYNC_CORE's core sync, on every switch to a user task
            // (the RFC removed rq->prev_mm, which said the switch came from a lazy kthread)
            MmStruct currentMm = k.mem.read(k.current().mm);
            if (currentMm != null && !k.kc.has(Patch.HP_NO_SYNC_CORE)) k.smm.membarrierMmSyncCoreBeforeUsermode(currentMm);  // PATCH: hp-no-sync-core: the RFC dropped it with the mmdrop
            if (!k.kc.has(Patch.HP_NO_FINISH_MB)) k.mem.smpMb();  // PATCH: hp-no-finish-mb: the RFC dropped this barrier with the mmdrop. membarrier (e): the barrier after rq->curr that mmdrop_lazy_tlb_sched() gave; pairs with: membarrier's smp_mb() (a)
        } else if (mm != null) {
            /*
             * When switching through a kernel thread, the loop in
             * membarrier_{private,global}_expedited() may have observed that
             * kernel thread and not issued an IPI. [...] provide them here:
             * - a full memory barrier for {PRIVATE,GLOBAL}_EXPEDITED, implicitly
             *   provided by mmdrop_lazy_tlb(),
             * - a sync_core for SYNC_CORE.
             */
            if (!k.kc.has(Patch.PLANT_NO_SYNC_CORE_SWITCH)) k.smm.membarrierMmSyncCoreBeforeUsermode(mm);  // PATCH: plant-no-sync-core-switch
            k.smm.mmdropLazyTlbSched(mm);
        }
        if (prevState == TaskStruct.TASK_DEAD) {
            prev.running = false;  // put_task_struct_rcu_user(prev): the task struct itself is not modelled
        }
        rq.switchCount++;  // an RCU quiescent state
        k.rcu.inputsChanged();
        rq.inSwitch = false;
    }

    /** membarrier_switch_mm() (kernel/sched/sched.h): copy the mm's state to rq->membarrier_state. */
    private void membarrierSwitchMm(Rq rq, MmStruct prevMm, MmStruct nextMm) {
        k.membarrier.membarrierSwitchMm(rq, prevMm, nextMm);
    }

    // ---- tasks ----

    /** A task's thread: schedule_tail() (ret_from_fork), its program, then do_exit(). */
    void taskMain(TaskStruct t) {
        k.lazyMmu.archEndContextSwitch(t);  // __switch_to's arch_end_context_switch(next_p)
        finishTaskSwitch(k.thisRq().last);  // schedule_tail(prev)
        // ret_from_fork_asm returns to user space through swapgs_restore_regs_and_return_to_usermode: IRET
        if (!t.kthread && !t.umh) k.arch.exceptionReturn();  // a user_mode_thread() runs its function first
        KernelPrograms.run(k, t);
        k.exit.doExit();
    }

    /** do_task_dead(): the final schedule of an exiting task; it never returns. */
    void doTaskDead() {
        TaskStruct current = k.current();
        current.preemptCount++;
        k.mem.writeOnce(current.state, TaskStruct.TASK_DEAD);  // set_special_state(TASK_DEAD)
        current.dead = true;
        k.liveTasks--;
        __schedule();
        k.bugOn(true, "do_task_dead", current + " came back from its last schedule()");
    }

    // ---- the idle loop ----

    /**
     * The idle task of this CPU: run ready tasks while there are any (schedule_idle), do this
     * CPU's part of taking it offline or online when asked, and at the end of the program leave
     * no lazy mm behind (quiescence), so that the leak check can require every mm to be freed.
     */
    void doIdle() {
        while (true) {
            int cpu = k.smpProcessorId();
            if (k.hotplug.idleWork(cpu)) continue;
            if (k.liveTasks == 0 && !k.hotplug.pending()) break;
            if (k.kc.has(KernelVariant.CpuFeature.CPUIDLE_FLAG_TLB_FLUSHED) && !readyFor(cpu) && !k.hotplug.hasIdleWork(cpu)
                    && k.m.choose(2) == 1) {  // cpuidle_idle_call(): the governor picks the state that flushes the TLB
                k.arch.cpuidleEnterTlbFlushed();
            }
            k.m.await(() -> k.hotplug.hasIdleWork(cpu) || readyFor(cpu) || (k.liveTasks == 0 && !k.hotplug.pending()),
                    "work for idle/" + cpu);
            if (readyFor(cpu)) schedule();
        }
        quiesce();
    }

    private boolean readyFor(int cpu) {
        if (k.hotplug.goingDown(cpu)) return false;
        for (TaskStruct t : k.runList) {
            if (!t.running && !t.sleeping) return true;
        }
        return false;
    }

    /**
     * The end of the program: this CPU drops whatever lazy mm it still holds, the way CPU
     * offline does (sched_force_init_mm(); and mmdrop_lazy() of a pending drop_mm under the
     * hazard schemes), then waits, interrupts on, until every CPU has done the same.
     */
    private void quiesce() {
        int cpu = k.smpProcessorId();
        if (k.cpuOnline(cpu)) {
            k.enter();
            if (k.kc.has(Patch.HPREF_LAZY_MM)) quiesceHpref(); else schedForceInitMm();  // PATCH: hpref-lazy-mm
            if (k.kc.lazyTlb().hazard()) {
                // A reference that mm_unlazy_mm_count() handed to a CPU after its last look at
                // drop_mm (a race the RFC accepts: "we don't notice") waits there until the CPU
                // switches again; one handed to a CPU as it went offline waits until it is back.
                // The end of the program stands for "eventually": collect them (an xchg reads the
                // newest drop_mm), this CPU's and, on the boot CPU, the offline CPUs'.
                collectDropMm(k.thisRq());
                if (cpu == 0) {
                    for (Rq rq : k.rqs) {
                        if (!k.cpuOnline(rq.cpu)) collectDropMm(rq);
                    }
                }
            }
            k.leave();
        }
        if (cpu == 0) k.rcu.adoptOffline(cpu);
        k.quiesced++;
        // and for this CPU's RCU callbacks, which run from its ticks once every CPU is idle here
        k.m.await(() -> k.quiesced == k.cpus() && !k.smp.pending(cpu) && !k.rcu.hasCallbacks(cpu), "the other CPUs to quiesce");
    }

    /**
     * The end of the program under Mathieu Desnoyers' RFC: what this CPU eventually does, its
     * next switch to a user task and back, reduced to its effect: the hardware to init_mm and
     * finish_task_switch's mmdrop_lazy_tlb_sched(), which clears the slot whatever it holds.
     * Not sched_force_init_mm(), whose mmgrab_lazy_tlb(&init_mm) before mmdrop_lazy_tlb(mm)
     * would find the slot still full (v6.14 code, not on the RFC's v6.11 base). Generous: a
     * stale slot of an online CPU is healed here, so a scan left waiting is waiting on a CPU
     * that is offline, or on one that never finishes its own path.
     */
    private void quiesceHpref() {
        TaskStruct current = k.current();
        MmStruct mm = k.mem.read(current.activeMm);
        if (mm != k.initMm) {
            k.localIrqDisable();
            k.mem.write(current.activeMm, k.initMm);
            k.arch.switchMmIrqsOff(mm, k.initMm, current);
            k.localIrqEnable();
            k.arch.finishArchPostLockSwitch();
        }
        k.smm.mmdropLazyTlbSched(mm);
    }

    // ---- hotplug ----

    /**
     * sched_force_init_mm(): invoked on the outgoing CPU in context of the CPU hotplug thread
     * after ensuring that there are no user space tasks left on the CPU. If there is a lazy mm in
     * use on the hotplug thread, drop it and switch to init_mm. The reference count on init_mm
     * is dropped in finish_cpu().
     */
    void schedForceInitMm() {
        TaskStruct current = k.current();
        MmStruct mm = k.mem.read(current.activeMm);

        if (mm != k.initMm) {
            k.smm.mmgrabLazyTlb(k.initMm);
            k.localIrqDisable();
            k.mem.write(current.activeMm, k.initMm);
            k.arch.switchMmIrqsOff(mm, k.initMm, current);
            k.localIrqEnable();
            k.arch.finishArchPostLockSwitch();
            k.smm.mmdropLazyTlb(mm);
        }
        if (k.kc.lazyTlb().hazard()) {
            // hazard done right: this CPU is lazy on nothing now, and will not switch again: drop
            // the lazy reference, and any reference another CPU handed it in drop_mm
            k.mem.smpStoreRelease(k.thisRq().lazyMm, null);  // pairs with: mm_unlazy_mm_count's smp_load_acquire
            mmdropLazy(k.thisRq());
        }
    }

    // ---- the hazard-pointer RFC (seed 003) ----

    private void collectDropMm(Rq rq) {
        MmStruct old = k.mem.xchg(rq.dropMm, null);  // pairs with: mm_unlazy_mm_count's xchg
        if (old != null) k.smm.mmdrop(old);
    }

    /** mmdrop_lazy(rq): drop the reference another CPU handed us in rq->drop_mm. */
    void mmdropLazy(Rq rq) {
        if (k.mem.readOnce(rq.dropMm) == null) return;
        /*
         * Slow path.  This only happens when we recently stopped using
         * an mm that is exiting.
         */
        MmStruct oldMm = k.mem.xchg(rq.dropMm, null);  // pairs with: mm_unlazy_mm_count's xchg
        k.dropMmSlowPaths++;
        if (k.kc.has(Patch.HP_WARN)) {  // PATCH: hp-warn
            k.warnOn(oldMm == null, "mmdrop_lazy", "READ_ONCE(rq->drop_mm) saw an mm but the xchg() found NULL");
        }
        if (oldMm != null) k.smm.mmdrop(oldMm);
    }

    /**
     * mm_unlazy_mm_count(mm): converts all lazy_mm references to mm into mm_count references.
     * Our caller (__mmput) holds an mm_count reference, so mm cannot be freed under us.
     */
    void mmUnlazyMmCount(MmStruct mm) {
        boolean batch = k.kc.lazyTlb() == LazyTlb.HAZARD_BATCH;
        int dropCount = batch ? 0 : k.cpus();  // num_possible_cpus()

        /* mm_users is zero, so no cpu will set its rq->lazy_mm to mm. */
        k.warnOn(k.mem.atomicRead(mm.mmUsers) != 0, "mm_unlazy_mm_count", "mm_users is not zero");

        /* Grab enough references for the rest of this function. */
        if (!batch) k.mem.atomicAdd(dropCount, mm.mmCount);

        for (int cpu : possibleLazymmCpus(mm)) {
            Rq rq = k.rqs[cpu];
            if (k.mem.smpLoadAcquire(rq.lazyMm) != mm) continue;  // pairs with: context_switch's smp_store_release

            if (batch && dropCount == 0) {
                /* Collect lots of references.  We'll drop the ones we don't use. */
                dropCount = k.cpus();
                k.mem.atomicAdd(dropCount, mm.mmCount);
            }
            dropCount--;  /* grab a reference; cpu will drop it later. */

            /*
             * xchg() at least RELEASE: the mm_count increment above must be visible
             * when drop_mm is seen; at least ACQUIRE for the !NULL return.
             */
            MmStruct oldMm = k.mem.xchg(rq.dropMm, mm);  // pairs with: mmdrop_lazy's xchg
            k.warnOn(oldMm == mm, "mm_unlazy_mm_count", "drop_mm already held this mm");
            if (oldMm != null) {
                /*
                 * We just stole an mm reference from the target CPU. The RFC dropped old on
                 * its behalf, reasoning that the target had moved its lazy_mm from old to mm
                 * after old was handed to it. lazymm: that holds only if our acquire load saw
                 * the target's newest lazy_mm; it may have seen one the target has since left
                 * (it moved on, became lazy on old, and was handed old by old's own __mmput):
                 * dropping old then frees an mm the target still uses. Look again: if the
                 * target is lazy on old now, give old back and keep the reference we meant
                 * to hand (the target is not lazy on mm). old's mm_users is zero, so no CPU
                 * can become lazy on it after this look.
                 */
                if (k.mem.smpLoadAcquire(rq.lazyMm) == oldMm) {  // pairs with: the target's smp_store_release of lazy_mm
                    MmStruct ours = k.mem.xchg(rq.dropMm, oldMm);  // pairs with: mmdrop_lazy's xchg
                    if (ours == mm) {
                        dropCount++;
                    } else if (ours != null) {
                        k.smm.mmdrop(ours);  // another unlazy's reference, for an mm the target left
                    }
                } else {
                    k.smm.mmdrop(oldMm);
                }
            }
        }
        if (dropCount > 0) k.mem.atomicSub(dropCount, mm.mmCount);
    }

    /**
     * for_each_possible_lazymm_cpu(cpu, mm): the online CPUs (the RFC's default). The RFC made
     * x86 iterate mm_cpumask(mm) instead; that is unsound on today's x86, which trims the mask
     * (HP-X86-TRIM), and on arm64, which never sets it (HP-CPUMASK).
     */
    private List<Integer> possibleLazymmCpus(MmStruct mm) {
        List<Integer> out = new ArrayList<>();
        boolean useMask = k.kc.has(Patch.HP_LAZYMM_CPUMASK);  // PATCH: hp-lazymm-cpumask: the RFC's x86 iterator (HP-CPUMASK, HP-X86-TRIM)
        long mask = useMask ? k.mem.readOnce(mm.cpumask) : k.mem.readOnce(k.cpuOnlineMask);
        for (int c = 0; c < k.cpus(); c++) {
            if ((mask & (1L << c)) != 0) out.add(c);
        }
        return out;
    }
}
