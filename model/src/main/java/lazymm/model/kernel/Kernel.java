package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.mem.IntVar;
import lazymm.model.mem.IrqHooks;
import lazymm.model.mem.Memory;
import lazymm.model.mem.SpinLock;
import lazymm.model.sim.Config;
import lazymm.model.sim.Ghost;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import lazymm.model.sim.Violation;

/**
 * One booted kernel, made fresh for every execution: the CPUs with their runqueues and idle
 * tasks, init_mm, the tasks and mms of the program, and the code, one object per kernel file
 * ({@link Core} is kernel/sched/core.c, {@link Fork} kernel/fork.c, ...), each holding this
 * kernel as C code holds its globals.
 *
 * <p>Each CPU's first thread boots it and switches to its idle task; every task (user tasks,
 * kthreads, the hotplug controller) is a model thread of its own, so context switches switch
 * stacks as the kernel does. Tasks wait on one run list (ghost state: the model's stand-in for
 * per-CPU runqueues and load balancing); the ordering a migration gets in the kernel comes from
 * the on_cpu handshake (finish_task's release, the picking CPU's acquire), which is modelled.
 *
 * <p>Version: the paths follow Linux v7.1.5 (the 7.1 stable tree), except where a variant says
 * otherwise; each class says what it leaves out.
 */
@KernelFile("include/linux/cpumask.h")
public final class Kernel implements Instance {

    final Machine m;
    final Memory mem;
    final Config cfg;
    final KConfig kc;
    final Arch arch;
    final Rq[] rqs;
    final MmStruct initMm;
    /** cpu_online_mask. */
    final IntVar cpuOnlineMask;
    /** The lazy-mm hazard-pointer domain of Mathieu Desnoyers' RFC (kernel/hp.c), or null without it. */
    final Hazptr hp;

    final SchedMm smm;
    final Core core;
    final Fork fork;
    final Exit exit;
    final Kthread kthread;
    final Exec exec;
    final CpuHotplug hotplug;
    final Smp smp;
    final Rcu rcu;
    final Softirq softirq;
    final Lockdep lockdep;
    final Membarrier membarrier;
    final MembarrierUser membarrierUser;
    final UserMm userMm;
    final SecondTable table2;
    final Oracles oracles;
    /** The lazy MMU mode (include/linux/pgtable.h) and its arch backend; its users. */
    final LazyMmu lazyMmu;
    final LazyMmuUsers lazyMmuUsers;

    @Ghost final List<TaskStruct> tasks = new ArrayList<>();
    @Ghost final List<MmStruct> mms = new ArrayList<>();
    /** Tasks ready to run and not on a CPU, in the order they were queued. */
    @Ghost final List<TaskStruct> runList = new ArrayList<>();
    /** The mm of each program group (index = group number). */
    @Ghost final List<MmStruct> groupMm = new ArrayList<>();
    /** Kthreads still alive that may use a group's mm, and hold its mmgrab through it. */
    @Ghost final int[] groupKthreads;
    @Ghost int liveTasks;
    @Ghost int nextPid = 1;
    @Ghost int nextMm = 1;
    /** last_mm_ctx_id (arch/x86/mm/tlb.c): init_mm has 1. */
    @Ghost long lastMmCtxId = 1;
    @Ghost int nextPgtable = 1;
    /** Every user page made so far, by page frame number - 1. */
    @Ghost final List<UserPage> pages = new ArrayList<>();
    /** CPUs that finished the end-of-run quiescence. */
    @Ghost int quiesced;
    /** How often mmdrop_lazy took its slow path (saw drop_mm set): HP-WARN's test counts it. */
    @Ghost int dropMmSlowPaths;

    public Kernel(Machine m, Config cfg, Program program) {
        this.m = m;
        this.cfg = cfg;
        this.kc = KConfig.of(cfg);
        this.hotplugControlBound = kc.has(Patch.HOTPLUG_WORK_ON_CPU)  // PATCH: 2b8272ff4a70
                && !kc.has(Patch.HOTPLUG_WORK_ON_CPU_REVERT);  // PATCH: de715325cc47
        this.mem = new Memory(m, cfg.memory(), true);
        mem.raceOrigins(new Kcsan());
        this.smm = new SchedMm(this);
        this.core = new Core(this);
        this.fork = new Fork(this);
        this.exit = new Exit(this);
        this.kthread = new Kthread(this);
        this.exec = new Exec(this);
        this.hotplug = new CpuHotplug(this);
        this.smp = new Smp(this);
        this.rcu = new Rcu(this, cfg.cpus());
        this.softirq = new Softirq(this, cfg.cpus());
        this.lockdep = new Lockdep(this);
        this.membarrier = new Membarrier(this);
        this.membarrierUser = new MembarrierUser(this);
        this.userMm = new UserMm(this);
        this.table2 = new SecondTable(this);
        this.oracles = new Oracles(this);
        // init_mm is never freed; its count is not tracked (the boot grabs differ per arch)
        this.initMm = new MmStruct(mem, "init_mm", true, 0, 1, 1 << 20, 1);
        // an int word, as every cpumask of the model (Config.MAX_CPUS): CPU 31 is its sign bit
        this.cpuOnlineMask = mem.intVar("cpu_online_mask", (int) ((1L << cfg.cpus()) - 1));
        this.hp = kc.has(Patch.HPREF_LAZY_MM) ? new Hazptr(this, cfg.cpus(), cfg.arch().equals("powerpc")) : null;  // PATCH: hpref-lazy-mm: DEFINE_PER_CPU(struct hp_slot, hp_domain_sched_lazy_mm)
        this.rqs = new Rq[cfg.cpus()];
        this.arch = Arch.of(this, cfg.arch());
        this.lazyMmu = new LazyMmu(this, cfg.arch());
        this.lazyMmuUsers = new LazyMmuUsers(this, lazyMmu);
        for (int c = 0; c < cfg.cpus(); c++) {
            TaskStruct idle = newTask("idle/" + c, true, true, null, initMm, List.of());
            rqs[c] = new Rq(mem, c, idle);
            rqs[c].current = idle;
            rqs[c].hwMm = initMm;
            arch.boot(c);
            idle.running = true;
            idle.thread = m.newThread(idle.name, () -> core.doIdle());
        }
        this.groupKthreads = new int[KernelPrograms.groups(program) + 1];
        KernelPrograms.boot(this, program);
        mem.irqHooks(new Hooks() {
            @Override public void localIrqDisable(int cpu) { Kernel.this.localIrqDisable(); }
            @Override public void localIrqEnable(int cpu) { Kernel.this.localIrqEnable(); }
            @Override public long localIrqSave(int cpu) { return Kernel.this.localIrqSave() ? 1 : 0; }
            @Override public void localIrqRestore(int cpu, long flags) { Kernel.this.localIrqRestore(flags != 0); }
            @Override public void localBhDisable(int cpu) { softirq.localBhDisable(cpu); }
            @Override public void localBhEnable(int cpu) { softirq.localBhEnable(cpu); }
            @Override public void lockAcquiring(int cpu, SpinLock lock, String site) { lockdep.lockAcquiring(cpu, lock, site); }
            @Override public void lockAcquired(int cpu, SpinLock lock, String site) { lockdep.lockAcquired(cpu, lock, site); }
        });
    }

    // ---- objects ----

    TaskStruct newTask(String name, boolean kthread, boolean idle, MmStruct mm, MmStruct activeMm, List<String> ops) {
        TaskStruct t = new TaskStruct(mem, name, nextPid++, kthread, idle, mm, activeMm, ops);
        if (kc.knows(KernelVariant.Known.TASK_MM_PLAIN)) mem.knownRace(t.mm);  // TASK-MM-RACE: known, reported by that variant
        tasks.add(t);
        if (!idle) liveTasks++;
        return t;
    }

    MmStruct newMm(int group) {
        MmStruct mm = new MmStruct(mem, "mm#" + nextMm++, false, group, 1, 1, ++lastMmCtxId);
        mms.add(mm);
        return mm;
    }

    /** A fresh anonymous page for {@code mm}'s page {@code va}. */
    UserPage newPage(MmStruct mm, int va) {
        UserPage p = new UserPage(mem, pages.size() + 1, mm, va);
        pages.add(p);
        return p;
    }

    /** The page of page frame number {@code pfn} (pfn_to_page). */
    UserPage page(int pfn) { return pages.get(pfn - 1); }

    /** Makes {@code t}'s thread and queues it (wake_up_new_task). */
    void start(TaskStruct t) {
        t.thread = m.newThread(t.name, () -> core.taskMain(t));
        t.queued = true;
        runList.add(t);
    }

    /** The mms that some live task has as ->mm (what for_each_process finds). */
    List<MmStruct> liveMms() {
        List<MmStruct> out = new ArrayList<>();
        for (TaskStruct t : tasks) {
            if (t.dead) continue;
            MmStruct mm = t.mm.peek();
            if (mm != null && !out.contains(mm)) out.add(mm);
        }
        return out;
    }

    // ---- this CPU ----

    int smpProcessorId() { return m.smpProcessorId(); }

    Rq thisRq() { return rqs[m.smpProcessorId()]; }

    /** current. */
    TaskStruct current() { return thisRq().current; }

    /**
     * cpu_online_mask as a CPU that stop_machine() cannot run past reads it (preemption off, as
     * in smp_call_function_many): stop_machine made every CPU acknowledge the offline with fully
     * ordered atomics, so the read sees the newest mask.
     */
    long cpuOnlineMaskStable() {
        return mem.smpCondLoadAcquire(cpuOnlineMask, v -> true, "cpu_online_mask");
    }

    boolean cpuOnline(int cpu) { return (mem.peek(cpuOnlineMask) & (1L << cpu)) != 0; }

    /** cpu_online_mask's value in memory (what {@link #cpuOnline} reads). */
    long onlineMaskValue() { return mem.peek(cpuOnlineMask); }

    void localIrqDisable() { thisRq().irqsDisabled = true; }

    void localIrqEnable() {
        Rq rq = thisRq();
        rq.irqsDisabled = false;
    }

    /** local_irq_save(): returns whether IRQs were disabled. */
    boolean localIrqSave() {
        Rq rq = thisRq();
        boolean was = rq.irqsDisabled;
        rq.irqsDisabled = true;
        return was;
    }

    void localIrqRestore(boolean wasDisabled) { thisRq().irqsDisabled = wasDisabled; }

    boolean irqsDisabled() { return thisRq().irqsDisabled; }

    /**
     * Whether the CPU-hotplug controller (the program's {@code cpuhp} task) runs in a kworker bound
     * to one CPU, is_percpu_thread(): from 2b8272ff4a70 (v6.6) cpu_down_maps_locked() runs
     * _cpu_down() through work_on_cpu() on another online CPU; its revert (de715325cc47, v7.0)
     * runs it in the caller's task again.
     */
    private final boolean hotplugControlBound;

    /**
     * check_preemption_disabled() (lib/smp_processor_id.c, v7.1.5) fails on {@code cpu}: a
     * preemptible kernel (CONFIG_DEBUG_PREEMPT depends on PREEMPTION), no preempt_count() (no
     * preempt_disable, hardirq, softirq or bh disabled), interrupts on, not in a context switch,
     * and not a task bound to the CPU (nr_cpus_allowed == 1: the idle task, and the hotplug
     * controller while it runs in a bound kworker, {@link #hotplugControlBound}). Left out:
     * migrate_disable() and early boot, which the model does not have.
     */
    boolean preemptible(int cpu) {
        Rq rq = rqs[cpu];
        return !rq.irqsDisabled && rq.current.preemptCount == 0 && !rq.inSwitch
                && !softirq.inInterrupt(cpu) && !rq.current.idle && !(rq.current.hotplugControl && hotplugControlBound);
    }

    /** in_interrupt(): in a hardirq or softirq handler, or with softirqs disabled ({@link Softirq}). */
    boolean inInterrupt() { return softirq.inInterrupt(smpProcessorId()); }

    /** A kernel path that changes mm references starts in the current task (for the invariants). */
    void enter() { current().depth++; }

    /** The path is done; a task out of its last one is in user mode again, an RCU quiescent state. */
    void leave() {
        if (--current().depth == 0) { lockdep.sysExit(current()); rcu.noteQs(smpProcessorId()); }
    }

    /**
     * A preemption point of a preemptible kernel: with IRQs and preemption on, the task may be
     * switched out here (a choice of the scheduler; 0 goes on). Returns whether it was.
     */
    boolean preemptPoint() {
        Rq rq = thisRq();
        if (rq.irqsDisabled || rq.current.preemptCount > 0 || rq.current.idle) return false;
        if (!m.preempt()) return false;
        core.schedule();
        return true;
    }

    /** The call sites of warnOn that have warned in this boot. */
    private final java.util.Set<String> warned = new java.util.HashSet<>();
    private static final StackWalker WARN_SITE = StackWalker.getInstance();

    /**
     * WARN_ON_ONCE (and the model's WARN_ONs, taken as _ONCE): a kernel warning is a finding, and
     * like the kernel the execution goes on after it ({@link Machine#report}), to show what
     * follows; each call site warns once per boot.
     */
    void warnOn(boolean cond, String function, String what) {
        if (!cond) return;
        String site = WARN_SITE.walk(s -> s.skip(1).findFirst()
                .map(f -> f.getClassName() + ":" + f.getLineNumber()).orElse(function));
        if (!warned.add(site)) return;
        m.report(new Violation("Warn", function, "WARNING in " + function + ": " + what));
    }

    /** lockdep's first report: lockdep turns itself off after it (debug_locks_off()), so it is the only one. */
    void lockdepReport(Violation v) {
        if (!warned.add("lockdep")) return;
        m.report(v);
    }

    /** BUG_ON. */
    void bugOn(boolean cond, String function, String what) {
        if (cond) throw new Violation("Bug", function, "kernel BUG in " + function + ": " + what);
    }

    /** How often mmdrop_lazy took its slow path in this execution (for tests and statistics). */
    public int dropMmSlowPaths() { return dropMmSlowPaths; }

    // ---- Instance ----

    @Override public int cpus() { return rqs.length; }

    /** The CPU's boot thread: it switches to the idle task, as start_kernel / start_secondary end in do_idle. */
    @Override
    public void cpu(int cpu) { m.switchTo(rqs[cpu].idle.thread); }

    @Override public int extraActions(int[] out, int off) { return mem.extraActions(out, off); }

    @Override public void perform(int action) { mem.perform(action); }

    @Override public String label(int action) { return mem.label(action); }

    /** stop_machine(): every online CPU but the one doing the work sits in the stopper. */
    @Override public boolean cpuStopped(int cpu) {
        int by = smp.stoppedBy();
        return by >= 0 && cpu != by && cpuOnline(cpu);
    }

    /** An IPI is queued for the CPU, or (the tick) it has RCU callbacks ready and softirqs on; and its interrupts are on. */
    @Override public boolean interruptPending(int cpu) {
        return !rqs[cpu].irqsDisabled && (smp.pending(cpu) || rcu.tickWanted(cpu));
    }

    /**
     * An IPI, or the scheduler tick a CPU gets only for its ready RCU callbacks; irq_exit() of
     * either runs the callbacks when softirqs are on (RCU_SOFTIRQ).
     */
    @Override public String interruptName(int cpu) {
        boolean rcuCallbacks = softirq.softirqsEnabled(cpu) && rcu.softirqPending(cpu);
        if (!smp.pending(cpu)) return rcuCallbacks ? "tick (RCU callbacks)" : "tick";
        return rcuCallbacks ? "IPI (then RCU callbacks)" : "IPI";
    }

    /**
     * The interrupt entry of {@code cpu}: irq_enter(), the IPI handlers
     * (generic_smp_call_function_single_interrupt) with interrupts off, irq_exit() (which may run
     * the RCU softirq), then the return from the interrupt, an exception return.
     */
    @Override public void handleInterrupts(int cpu) {
        softirq.irqEnter(cpu);
        boolean was = localIrqSave();
        smp.flush(cpu);
        localIrqRestore(was);
        softirq.irqExit(cpu);
        arch.exceptionReturn();
    }

    @Override public void checkStep() { oracles.checkStep(); }

    @Override public void checkFinal() {
        oracles.checkFinal();
        arch.checkFinal();
    }

    /**
     * The memory's hooks (made in the constructor): what CONFIG_DEBUG_PREEMPT's check asks of
     * this kernel (per-CPU accessors, smp_processor_id()). A class of its own so that the
     * constructor keeps its lines (traces cite Kernel.java's lines).
     */
    private abstract class Hooks implements IrqHooks {
        @Override public boolean preemptible(int cpu) { return Kernel.this.preemptible(cpu); }

        @Override public String current(int cpu) { return rqs[cpu].current.name + "/" + rqs[cpu].current.pid; }
    }
}
