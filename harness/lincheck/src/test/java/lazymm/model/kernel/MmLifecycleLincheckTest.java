package lazymm.model.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * The mm reference lifecycle under each lazy-TLB scheme: context_switch()'s four mm cases and
 * finish_task_switch() ({@link Core#contextSwitch}), exit_mm() ({@link Exit#exitMm}) with mmput,
 * __mmput and the scheme's way of letting go of lazy users (REFCOUNT's counts, SHOOTDOWN's IPIs,
 * the hazard pointers' mm_unlazy_mm_count), and the TLB flushes of zap and munmap, on two CPUs
 * that each have a thread of each of two address spaces and a kthread:
 * <ul>
 *   <li>{@code runN(m)}: CPU N switches to its thread of mm m, which touches its pages (false if
 *       that thread has exited);</li>
 *   <li>{@code sleepN()}: the thread sleeps and the CPU's kthread runs (lazy on the mm);</li>
 *   <li>{@code exitN()}: the thread exits (exit_mm, then its last switch, to the kthread);</li>
 *   <li>{@code zapN()}, {@code unmapN()}: the thread zaps a page (madvise(MADV_DONTNEED)) or
 *       munmaps its VMA (that flush goes to lazy CPUs too, which leave the mm).</li>
 * </ul>
 * The switch is __schedule() with Lincheck's operation as pick_next_task(). The specification:
 * which threads are alive; any oracle of the model that fires (an mm freed while some CPU
 * still uses or names it, a refcount underflow, a stale TLB entry) is a result it never gives.
 * Broken twin: HP-CPUMASK (the hazard RFC's mm_cpumask iterator on arm64).
 */
@Param(name = "mm", gen = IntGen.class, conf = "1:2")
public class MmLifecycleLincheckTest {

    String variant() { return "upstream"; }

    private final LincheckKernel lk = new LincheckKernel(variant(), 3, "", 1);  // x86: every flush may trim mm_cpumask (its timer expired)
    private final Kernel k = lk.k;
    private final MmStruct[] mm = {null, k.newMm(0), k.newMm(0)};  // no program group: no kthread grab
    /** [cpu][mm]: that CPU's thread of that mm. */
    private final TaskStruct[][] thread = new TaskStruct[3][3];

    {
        for (int m = 1; m <= 2; m++) {
            k.smm.mmget(mm[m]);  // a thread of each mm on each of CPUs 1 and 2: mm_users 2
            for (int cpu = 1; cpu <= 2; cpu++) {
                thread[cpu][m] = k.newTask("task#" + k.nextPid, false, false, mm[m], mm[m], List.of());
            }
        }
    }

    /** __schedule() from the current task to {@code next}, with interrupts and the rq lock as it takes them. */
    private void schedule(int cpu, TaskStruct next) {
        Rq rq = k.rqs[cpu];
        TaskStruct prev = rq.current;
        rq.inSwitch = true;
        k.localIrqDisable();
        k.mem.spinLock(rq.lock);
        k.mem.smpMbAfterSpinlock();           // pairs with: membarrier's smp_mb() (a) / (c)
        next.running = true;                  // pick_next_task(): this operation's choice
        k.mem.writeOnce(rq.curr, next);
        k.core.contextSwitch(rq, prev, next); // ends in finish_task_switch() on this CPU
    }

    private boolean run(int cpu, int m) {
        lk.on(cpu);
        TaskStruct t = thread[cpu][m];
        if (t.dead) return false;
        if (k.rqs[cpu].current != t) schedule(cpu, t);
        k.userMm.userAccess(mm[m]);
        k.oracles.checkStep();
        return true;
    }

    private void sleep(int cpu) {
        lk.on(cpu);
        Rq rq = k.rqs[cpu];
        if (rq.current == rq.idle) return;
        schedule(cpu, rq.idle);
        k.oracles.checkStep();
    }

    private void exit(int cpu) {
        lk.on(cpu);
        Rq rq = k.rqs[cpu];
        TaskStruct t = rq.current;
        if (t == rq.idle) return;
        rq.inSwitch = true;                              // from here to its last switch: do_exit()
        k.enter();                                       // do_exit(): a path that moves mm references
        k.exit.exitMm();
        k.leave();
        k.mem.writeOnce(t.state, TaskStruct.TASK_DEAD);  // do_task_dead()
        t.dead = true;
        schedule(cpu, rq.idle);
        k.oracles.checkStep();
    }

    private void unmap(int cpu, boolean whole) {
        lk.on(cpu);
        Rq rq = k.rqs[cpu];
        if (rq.current == rq.idle) return;
        MmStruct mine = k.mem.read(rq.current.mm);
        if (whole) k.userMm.munmap(mine); else k.userMm.madviseDontneed(mine);
        k.oracles.checkStep();
    }

    /**
     * After each execution, as the explorer's end of program: every CPU's current thread sleeps
     * and the CPU drops whatever lazy mm it still holds (sched_force_init_mm(), and under the
     * hazard schemes the drop_mm another CPU handed it); then the oracles look once more.
     */
    @Validate
    public void quiesce() {
        for (int cpu = 1; cpu <= 2; cpu++) {
            sleep(cpu);
            lk.on(cpu);
            k.enter();
            k.core.schedForceInitMm();
            k.leave();
            k.oracles.checkStep();
        }
    }

    @Operation(nonParallelGroup = "cpu1") public boolean run1(@Param(name = "mm") int m) { return run(1, m); }
    @Operation(nonParallelGroup = "cpu1") public void sleep1() { sleep(1); }
    @Operation(nonParallelGroup = "cpu1") public void exit1() { exit(1); }
    @Operation(nonParallelGroup = "cpu1") public void zap1() { unmap(1, false); }
    @Operation(nonParallelGroup = "cpu1") public void unmap1() { unmap(1, true); }
    @Operation(nonParallelGroup = "cpu2") public boolean run2(@Param(name = "mm") int m) { return run(2, m); }
    @Operation(nonParallelGroup = "cpu2") public void sleep2() { sleep(2); }
    @Operation(nonParallelGroup = "cpu2") public void exit2() { exit(2); }
    @Operation(nonParallelGroup = "cpu2") public void zap2() { unmap(2, false); }
    @Operation(nonParallelGroup = "cpu2") public void unmap2() { unmap(2, true); }

    /** Which threads are alive, and which runs on each CPU. */
    public static class Spec {
        private final boolean[][] dead = new boolean[3][3];
        private final int[] running = new int[3];

        public boolean run1(int m) { return run(1, m); }
        public void sleep1() { running[1] = 0; }
        public void exit1() { exit(1); }
        public void zap1() {}
        public void unmap1() {}
        public boolean run2(int m) { return run(2, m); }
        public void sleep2() { running[2] = 0; }
        public void exit2() { exit(2); }
        public void zap2() {}
        public void unmap2() {}

        private boolean run(int cpu, int m) {
            if (dead[cpu][m]) return false;
            running[cpu] = m;
            return true;
        }

        private void exit(int cpu) {
            if (running[cpu] != 0) dead[cpu][running[cpu]] = true;
            running[cpu] = 0;
        }
    }

    /** The three schemes, each on the arch that selects it or runs it in the catalog. */
    public static class Hazard extends MmLifecycleLincheckTest {
        @Override String variant() { return "hazard"; }
    }

    /** The Broken twin's correct sibling: the hazard scheme on arm64, iterating the online CPUs. */
    public static class HazardArm64 extends MmLifecycleLincheckTest {
        @Override String variant() { return "hazard-arm64"; }
    }

    public static class Shootdown extends MmLifecycleLincheckTest {
        @Override String variant() { return "shootdown"; }
    }

    @Test
    void refcountIsLinearizable() {
        LincheckKernel.options(Spec.class, 4, 100).check(MmLifecycleLincheckTest.class);
    }

    @Test
    void hazardIsLinearizable() {
        LincheckKernel.options(Spec.class, 4, 100).check(Hazard.class);
    }

    /** The twin's scenarios (the same generator seed, its first iterations) on the correct arm64 scheme. */
    @Test
    void hazardArm64IsLinearizable() {
        LincheckKernel.options(Spec.class, 4, 100).check(HazardArm64.class);
    }

    @Test
    void shootdownIsLinearizable() {
        LincheckKernel.options(Spec.class, 4, 100).check(Shootdown.class);
    }

    /**
     * HP-CPUMASK: the hazard RFC's mm_cpumask iterator on arm64, which never sets mm_cpumask.
     */
    public static class Broken extends MmLifecycleLincheckTest {
        @Override String variant() { return "HP-CPUMASK"; }
    }

    /**
     * How the Broken twin is checked (the test and the benchmark): Lincheck's own random scenarios
     * (its generator's fixed seed), the first failing one reported as found, not minimized.
     */
    static ModelCheckingOptions brokenTwinOptions() {
        return LincheckKernel.options(Spec.class, 10, 100).minimizeFailedScenario(false);
    }

    /**
     * HP-X86-TRIM: the RFC's mm_cpumask iterator on x86, whose flushes trim the bit of a CPU that
     * switched to init_mm while its rq->lazy_mm still names the mm. Random scenarios rarely line up
     * the zap before both exits, so Lincheck gets the program (as explore gets --program) and must
     * find the interleaving; the report comes from {@link #quiesce}, at the end of the execution.
     */
    public static class BrokenTrim extends MmLifecycleLincheckTest {
        @Override String variant() { return "HP-X86-TRIM"; }
    }

    /** The second twin's program: CPU 1 zaps a page of mm 1 (a flush that trims) and exits; CPU 2 exits too. */
    static final String[] TRIM_PROGRAM = {"run1(1) zap1 exit1", "run2(1) exit2"};

    /** How the second twin is checked (the test and the benchmark): its program, the first failing interleaving. */
    static ModelCheckingOptions trimTwinOptions() {
        return LincheckKernel.options(Spec.class, 0, 1000).minimizeFailedScenario(false)
                .addCustomScenario(LincheckKernel.scenario(BrokenTrim.class, TRIM_PROGRAM));
    }

    @Test
    void trimTwinIsRejected() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class, () -> trimTwinOptions().check(BrokenTrim.class));
        System.out.println("Lincheck on HP-X86-TRIM (lifecycle):\n" + LincheckKernel.trace(e));
        String v = LincheckKernel.violation(e);
        assertTrue(v != null && v.contains("FreedWhileNamed") && v.contains("->lazy_mm"), e.getMessage());
    }

    /** The same program on the hazard scheme done right on x86 (online CPUs): no interleaving is wrong. */
    @Test
    void theTrimTwinsProgramIsCleanOnTheHazardScheme() {
        LincheckKernel.options(Spec.class, 0, 300)
                .addCustomScenario(LincheckKernel.scenario(Hazard.class, TRIM_PROGRAM)).check(Hazard.class);
    }

    @Test
    void brokenTwinIsRejected() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> brokenTwinOptions().check(Broken.class));
        System.out.println("Lincheck on HP-CPUMASK (lifecycle):\n" + LincheckKernel.trace(e));
        String v = LincheckKernel.violation(e);  // an mm freed while a CPU still uses or names it
        assertTrue(v != null && v.contains("free"), e.getMessage());
    }
}
