package lazymm.model.kernel;

import lazymm.model.mem.IntVar;
import lazymm.model.sim.Ghost;

/**
 * kernel/cpu.c (v7.1.5), CPU offline and online as they touch lazy mms. Offline of a CPU, in
 * the order of the cpuhp states (v7.1.5 section "offline order"):
 * <ol>
 *   <li>the CPU stops taking tasks (sched_cpu_deactivate, balance_push);
 *   <li>on the dying CPU, in its hotplug thread: CPUHP_AP_SCHED_WAIT_EMPTY, whose
 *       sched_cpu_wait_empty() waits until it runs no other task and, since v6.14, switches to
 *       init_mm (sched_force_init_mm);
 *   <li>takedown_cpu() on the control CPU: stop_machine(take_cpu_down) runs __cpu_disable on the
 *       dying CPU (powerpc trims mm_cpumask there), it goes offline, its pending IPIs are
 *       flushed; its idle loop reports it dead, after arch_cpu_idle_dead() -> idle_task_exit()
 *       (which before v6.14 switched the hardware to init_mm, leaving idle->active_mm alone);
 *   <li>finish_cpu() on the control CPU drops idle->active_mm.
 * </ol>
 * The model runs the dying CPU's parts in its idle task (the hotplug and stopper threads would
 * inherit the same lazy mm from it by kernel-to-kernel switches), and the control CPU's parts in
 * the program's hotplug kthread, which waits for the dying CPU by spinning where the kernel
 * sleeps on a completion. Online: the CPU's idle takes init_mm again (start_secondary).
 *
 * <p>cpu_down() and cpu_up() run under cpu_maps_update_begin(), the mutex cpu_add_remove_lock:
 * hotplug operations are serialized, and a second controller sleeps in mutex_lock() until the
 * first is done (its CPU free meanwhile for the dying CPU's own work). Their checks (the CPU's
 * state, num_online_cpus() == 1) are made under it. The mutex orders one controller's operation
 * before the next one's by its release and acquire; with one controller (the random programs'
 * case) nothing is there to order or to wait for, and the model leaves the lock word untouched.
 * Left out: cpu_down() of the CPU the controller runs on (v7.1.5 runs _cpu_down in the caller's
 * task and migrates it away; the model does nothing), and of CPU 0 (x86 cannot take its boot CPU
 * offline, arch_cpu_is_hotpluggable(); the model keeps CPU 0 online on every arch).
 */
@KernelFile("kernel/cpu.c")
final class CpuHotplug {

    private static final int ONLINE = 0;
    private static final int GOING_DOWN = 1;
    private static final int AP_DONE = 2;
    private static final int TAKEDOWN = 3;
    private static final int DEAD = 4;
    private static final int COMING_UP = 5;

    private final Kernel k;
    /** cpu_add_remove_lock: the hand-over count of the mutex, released by each unlock, acquired by the next lock. */
    @Ghost private IntVar cpuAddRemoveLock;
    /** The mutex's owner and sleepers (the mutex's own state; its ordering is {@link #cpuAddRemoveLock}'s). */
    @Ghost private TaskStruct lockOwner;
    @Ghost private final java.util.ArrayDeque<TaskStruct> lockWaiters = new java.util.ArrayDeque<>();
    /** Unlocks so far, and the program's controllers (cpuhp rows): with one, the lock orders nothing. */
    @Ghost private int lockHandovers;
    @Ghost private int controllers;
    /** Each CPU's hotplug state; the dying CPU's steps publish it with a release, the control CPU acquires it. */
    private final IntVar[] state;
    @Ghost private final int[] ghostState;

    CpuHotplug(Kernel k) {
        this.k = k;
        this.state = new IntVar[64];
        this.ghostState = new int[64];
    }

    private IntVar st(int cpu) {
        if (state[cpu] == null) state[cpu] = k.mem.intVar("cpuhp_state/" + cpu, ONLINE);
        return state[cpu];
    }

    private void set(int cpu, int s) {
        ghostState[cpu] = s;
        k.mem.smpStoreRelease(st(cpu), s);  // pairs with: waitFor() on the other side
    }

    private void waitFor(int cpu, int s, String what) {
        k.mem.smpCondLoadAcquire(st(cpu), v -> v == s, what);  // pairs with: set() on the other side (a completion)
    }

    /** The CPU takes no tasks: it is on its way down (or down). */
    boolean goingDown(int cpu) { return ghostState[cpu] != ONLINE; }

    /** Some CPU is between states. */
    boolean pending() {
        for (int c = 0; c < k.cpus(); c++) {
            int s = ghostState[c];
            if (s == GOING_DOWN || s == AP_DONE || s == TAKEDOWN || s == COMING_UP) return true;
        }
        return false;
    }

    /** The idle task of {@code cpu} has hotplug work to do now. */
    boolean hasIdleWork(int cpu) {
        int s = ghostState[cpu];
        return s == GOING_DOWN || s == TAKEDOWN || s == COMING_UP;
    }

    // ---- the control CPU (the hotplug kthread's program) ----

    /** A task of the program is a hotplug controller (a cpuhp row). */
    void addController() { controllers++; }

    /**
     * cpu_maps_update_begin(): mutex_lock(&cpu_add_remove_lock). A controller that finds it held
     * goes on the wait list and sleeps (TASK_UNINTERRUPTIBLE, schedule()) until an unlock wakes
     * it, then tries again. The sleep is the scheduler's ghost state (the task is not picked), as
     * the run list is: the model's task states are running and dead.
     */
    private void cpuMapsUpdateBegin() {
        TaskStruct me = k.current();
        while (lockOwner != null) {
            lockWaiters.add(me);
            me.sleeping = true;  // set_current_state(TASK_UNINTERRUPTIBLE), under the mutex's wait_lock
            k.core.schedule();   // schedule_preempt_disabled()
        }
        lockOwner = me;
        if (controllers > 1 && lockHandovers > 0) {
            int seen = lockHandovers;
            // pairs with: cpuMapsUpdateDone()'s release (the mutex's acquire)
            k.mem.smpCondLoadAcquire(cpuAddRemoveLock(), v -> v == seen, "cpu_add_remove_lock");
        }
    }

    /** cpu_maps_update_done(): mutex_unlock(&cpu_add_remove_lock), waking the first sleeper. */
    private void cpuMapsUpdateDone() {
        lockOwner = null;
        TaskStruct next = lockWaiters.poll();
        if (next != null) next.sleeping = false;  // __mutex_unlock_slowpath(): wake_up_q()
        if (controllers > 1) {
            int n = ++lockHandovers;
            k.mem.smpStoreRelease(cpuAddRemoveLock(), n);  // pairs with: cpuMapsUpdateBegin()'s acquire
        }
    }

    private IntVar cpuAddRemoveLock() {
        if (cpuAddRemoveLock == null) cpuAddRemoveLock = k.mem.intVar("cpu_add_remove_lock", 0);
        return cpuAddRemoveLock;
    }

    /** cpu_down(cpu) -> _cpu_down(): returns when the CPU is offline, or at once if it cannot go. */
    void cpuDown(int cpu) {
        cpuMapsUpdateBegin();
        int self = k.smpProcessorId();
        int online = Integer.bitCount(k.mem.readOnce(k.cpuOnlineMask));  // num_online_cpus()
        if (cpu > 0 && cpu < k.cpus() && cpu != self && ghostState[cpu] == ONLINE && online > 1) {
            set(cpu, GOING_DOWN);                                   // sched_cpu_deactivate(): no new tasks
            waitFor(cpu, AP_DONE, "cpu" + cpu + " to run its hotplug states");
            set(cpu, TAKEDOWN);                                     // takedown_cpu(): stop_machine(take_cpu_down)
            waitFor(cpu, DEAD, "cpu" + cpu + " to report itself dead");
            k.enter();
            finishCpu(cpu);                                         // CPUHP_BRINGUP_CPU teardown
            k.leave();
        }
        cpuMapsUpdateDone();
    }

    /** cpu_up(cpu): returns when the CPU runs its idle loop again. */
    void cpuUp(int cpu) {
        cpuMapsUpdateBegin();
        if (cpu > 0 && cpu < k.cpus() && ghostState[cpu] == DEAD) {
            set(cpu, COMING_UP);
            waitFor(cpu, ONLINE, "cpu" + cpu + " to come up");
        }
        cpuMapsUpdateDone();
    }

    /** finish_cpu(): on the control CPU, after the CPU has stopped. */
    private void finishCpu(int cpu) {
        TaskStruct idle = k.rqs[cpu].idle;  // idle_thread_get(cpu)
        MmStruct mm = k.mem.read(idle.activeMm);
        if (k.kc.has(Patch.SCHED_FORCE_INIT_MM)) {  // PATCH: 21641bd9a7a7
            /*
             * sched_force_init_mm() ensured the use of &init_mm,
             * drop that refcount now that the CPU has stopped.
             */
            k.warnOn(mm != k.initMm, "finish_cpu", "idle->active_mm is " + mm + ", not init_mm");
            k.mem.write(idle.activeMm, null);
            k.smm.mmdropLazyTlb(mm);
        } else {
            /*
             * idle_task_exit() will have switched to &init_mm, now
             * clean up any remaining active_mm state.
             */
            if (mm != k.initMm) k.mem.write(idle.activeMm, k.initMm);
            if (!k.kc.has(Patch.LAZY_TLB_HELPERS)) {  // PATCH: aa464ba9a1e4
                k.smm.mmdrop(mm);  // PATCH: aa464ba9a1e4: before it, finish_cpu mmdrop()ed idle->active_mm, a reference the hazard scheme never took (HP-HOTPLUG)
            } else {
                k.smm.mmdropLazyTlb(mm);
            }
        }
    }

    // ---- the dying (or coming) CPU, in its idle task ----

    /** Does this CPU's share of a hotplug operation; true if it did anything. */
    boolean idleWork(int cpu) {
        int s = ghostState[cpu];
        if (s == GOING_DOWN || s == TAKEDOWN) {
            // the hotplug thread's wakeup: it acts once the request is visible; pairs with: set()'s release
            waitFor(cpu, s, "cpu" + cpu + " to see its hotplug request");
        }
        switch (s) {
            case GOING_DOWN -> {
                k.enter();
                // sched_cpu_wait_empty(): balance_hotplug_wait() holds (only idle runs here), then
                if (k.kc.has(Patch.SCHED_FORCE_INIT_MM)) k.core.schedForceInitMm();  // PATCH: 21641bd9a7a7
                k.leave();
                set(cpu, AP_DONE);
                return true;
            }
            case TAKEDOWN -> {
                k.enter();
                k.smp.stopMachine(true);                         // stop_machine(): no CPU in an IPI call
                k.localIrqDisable();                             // take_cpu_down()
                k.arch.cpuDisableMm(cpu);                        // __cpu_disable()
                k.mem.atomicAndnot(1 << cpu, k.cpuOnlineMask);   // set_cpu_online(cpu, false)
                k.smp.flush(cpu);                                // smpcfd_dying_cpu(): run what is queued
                k.smp.stopMachine(false);
                if (!k.kc.has(Patch.SCHED_FORCE_INIT_MM)) idleTaskExit();  // do_idle -> arch_cpu_idle_dead(); PATCH: 21641bd9a7a7
                k.leave();
                set(cpu, DEAD);                                  // cpuhp_report_idle_dead()
                return true;
            }
            case DEAD -> {
                k.m.await(() -> ghostState[cpu] == COMING_UP || (k.liveTasks == 0 && !pending()),
                        "cpu" + cpu + " to be brought up");
                if (ghostState[cpu] != COMING_UP) return false;
                waitFor(cpu, COMING_UP, "cpu" + cpu + " to be kicked");  // pairs with: cpuUp()'s release
                startSecondary(cpu);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * idle_task_exit() of v5.8..v6.13: ensure that the idle task is using init_mm right before
     * its CPU goes offline; finish_cpu(), as ran on the BP, will clean up the active_mm state.
     */
    private void idleTaskExit() {
        TaskStruct current = k.current();
        MmStruct mm = k.mem.read(current.activeMm);
        k.bugOn(k.cpuOnline(k.smpProcessorId()), "idle_task_exit", "the CPU is online");
        if (mm != k.initMm) {
            k.arch.switchMm(mm, k.initMm, current);
            k.arch.finishArchPostLockSwitch();
        }
    }

    /** start_secondary() / cpu_init(): the idle task takes init_mm, the CPU goes online. */
    private void startSecondary(int cpu) {
        k.enter();
        TaskStruct idle = k.current();
        if (k.arch.name().equals("powerpc")) {
            k.smm.mmgrabLazyTlb(k.initMm);  // powerpc start_secondary
        } else {
            k.smm.mmgrab(k.initMm);         // x86 cpu_init(), arm64 secondary_start_kernel()
        }
        k.mem.write(idle.activeMm, k.initMm);
        k.arch.cpuInitMm(idle);                    // x86: initialize_tlbstate_and_flush()
        k.arch.enterLazyTlb(k.initMm, idle);
        k.mem.atomicOr(1 << cpu, k.cpuOnlineMask);  // set_cpu_online(cpu, true)
        k.localIrqEnable();
        k.leave();
        set(cpu, ONLINE);
    }
}
