package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import lazymm.engine.Execution;
import lazymm.engine.NeedsAgent;
import lazymm.engine.Result;
import lazymm.engine.strategy.Scripted;
import lazymm.model.kernel.KernelTarget;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import org.junit.jupiter.api.Test;

/**
 * Each positive control pinned by a small schedule written by hand (Scripted: which CPU runs
 * until which kernel function, and which ready task each pick takes), on sequentially consistent
 * memory, next to the fixed variant that the same schedule leaves clean.
 */
@NeedsAgent
class KernelScheduleTest {

    static Result run(String variant, String arch, String lazyTlb, int cpus, String program, String script, int... values) {
        return runIn("sc", variant, arch, lazyTlb, cpus, program, script, values);
    }

    static Result runIn(String memory, String variant, String arch, String lazyTlb, int cpus, String program,
                        String script, int... values) {
        Config cfg = new Config(variant, arch, lazyTlb, memory, cpus);
        List<List<String>> rows = new ArrayList<>();
        for (String row : program.split("\\|")) rows.add(List.of(row.trim().split("\\s+")));
        Scripted s = new Scripted(script, values);
        s.startExecution();
        return new Execution(new KernelTarget(), cfg, Program.of(rows), s, Execution.DEFAULT_STEP_BOUND, true, true).run();
    }

    /** The run ended in this violation; its message, for more checks. */
    static String assertFound(Result r, String signature) {
        assertNotNull(r.violation(), String.join("\n", r.trace()));
        assertEquals(signature, r.violation().signature(), r.violation().toString());
        return r.violation().getMessage();
    }

    /** The signatures of every finding of the run, in order. */
    static List<String> signatures(Result r) {
        return r.findings().stream().map(lazymm.model.sim.Violation::signature).toList();
    }

    /** The run ended clean; its trace, for more checks. */
    static String assertClean(Result r) {
        assertNull(r.violation(), () -> r.violation() + "\n" + String.join("\n", r.trace()));
        return String.join("\n", r.trace());
    }

    /**
     * HP-HOTPLUG (seed 003, Paul McKenney's splat). cpu1 runs task#3 of process 1, which
     * switches to kthread#4: user->kernel, so under the hazard scheme cpu1 is lazy on mm#1 with
     * only rq->lazy_mm, no count. The hotplug controller on cpu0 takes cpu1 down; kthread#4
     * exits there and hands mm#1 to cpu1's idle task (kernel->kernel). On the 5.13 path,
     * finish_cpu() then mmdrop()s idle->active_mm: the users' only count, so mm#1 is freed while
     * task#3 still uses it ("BUG: Bad rss-counter state", then the free while rq1->lazy_mm and
     * task#3 name it); the execution goes on, and the next switch to task#3 reads the freed
     * mm's membarrier_state: KASAN's use-after-free, which ends it.
     */
    private static final String HOTPLUG_PROGRAM = "user:1 run sched run | kthread sched | cpuhp down:1";
    private static final String HOTPLUG_SCRIPT = "1:Exit.exitMm 0 1 0 1 0";
    // picks: cpu1's idle takes task#3; no preemption; task#3's sched picks kthread#4; kthread#4's
    // sched keeps itself (the third ready task); cpu0's idle takes the hotplug controller
    private static final int[] HOTPLUG_VALUES = {0, 0, 0, 2, 0};

    @Test
    void hpHotplug() {
        Result r = run("HP-HOTPLUG", "x86", "hazard", 2, HOTPLUG_PROGRAM, HOTPLUG_SCRIPT, HOTPLUG_VALUES);
        String message = assertFound(r, "UseAfterFree:membarrier_switch_mm");
        assertTrue(message.contains("rq1->lazy_mm, task#3->mm and task#3->active_mm still named it"), message);
        assertEquals(List.of("BadRssCounter:__mmdrop<-mmdrop<-finish_cpu", "FreedWhileNamed:__mmdrop<-mmdrop<-finish_cpu",
                "UseAfterFree:membarrier_switch_mm"), signatures(r));
    }

    @Test
    void theSameScheduleOnTheHazardSchemeDoneRightIsClean() {
        Result r = run("hazard", "x86", "hazard", 2, HOTPLUG_PROGRAM, HOTPLUG_SCRIPT, HOTPLUG_VALUES);
        assertClean(r);
    }

    /**
     * HP-CPUMASK (seed 003, Nick Piggin: arm64 never sets mm_cpumask bits). cpu1 runs task#3 and
     * switches to kthread#4: cpu1 is lazy on mm#1 through its hazard pointer only. task#3 moves
     * to cpu0 and exits; its mmput is the last, and mm_unlazy_mm_count, iterating mm_cpumask as
     * on x86, finds no CPU: the final mmdrop frees mm#1 under both lazy CPUs (__mmdrop WARNs:
     * cpu0 is lazy on it itself), with cpu0's MMU still on it; no access follows.
     */
    private static final String CPUMASK_PROGRAM = "user:1 run sched run | kthread sched";
    private static final String CPUMASK_SCRIPT = "1:Exit.exitMm 0";
    // picks: cpu1's idle takes task#3; no preemption; task#3's sched picks kthread#4;
    // kthread#4's sched keeps itself; cpu0's idle takes task#3; no preemption
    private static final int[] CPUMASK_VALUES = {0, 0, 0, 1, 0, 0};

    @Test
    void hpCpumask() {
        Result r = run("HP-CPUMASK", "arm64", "hazard", 2, CPUMASK_PROGRAM, CPUMASK_SCRIPT, CPUMASK_VALUES);
        String message = assertFound(r, "FreedWhileNamed:__mmdrop<-mmdrop<-__mmput");
        assertTrue(message.contains("cpu0's MMU"), message);
        assertEquals("Warn:__mmdrop", signatures(r).get(0), signatures(r).toString());
    }

    @Test
    void theSameScheduleWithTheDefaultIteratorIsClean() {
        Result r = run("hazard-arm64", "arm64", "hazard", 2, CPUMASK_PROGRAM, CPUMASK_SCRIPT, CPUMASK_VALUES);
        assertClean(r);
    }

    /**
     * SHOOT-TRIM (21641bd9a7a7's changelog). cpu1 is lazy on mm#1 (task#4 -> kthread#5; the
     * SHOOTDOWN scheme takes no count) when the hotplug controller on cpu0 takes it down. On the
     * pre-v6.14 path, take_cpu_down's __cpu_disable clears cpu1 from mm#1's mm_cpumask while cpu1
     * still runs on mm#1 until idle_task_exit(). In that window task#4 exits on cpu2: the final
     * mmdrop shoots down the lazy users in mm_cpumask, which no longer has cpu1, and frees mm#1
     * under it: still loaded in cpu1's MMU (no access follows on this schedule).
     */
    private static final String TRIM_PROGRAM = "user:1 run sched run | kthread sched | cpuhp down:1";
    private static final String TRIM_SCRIPT = "1:Exit.exitMm 0 1 0 1:CpuHotplug.idleTaskExit 2";
    // picks: cpu1's idle takes task#4; no preemption; task#4's sched picks kthread#5; kthread#5's
    // sched keeps itself; cpu0's idle takes the hotplug controller; task#4, back on cpu2, goes on
    private static final int[] TRIM_VALUES = {0, 0, 0, 2, 0, 0};

    @Test
    void shootTrim() {
        Result r = run("SHOOT-TRIM", "powerpc", "shootdown", 3, TRIM_PROGRAM, TRIM_SCRIPT, TRIM_VALUES);
        String message = assertFound(r, "FreedWhileNamed:__mmdrop<-mmdrop<-__mmput");
        assertTrue(message.contains("while cpu1's MMU"), message);
    }

    @Test
    void theSameScheduleWithTodaysHotplugIsClean() {
        Result r = run("shootdown", "powerpc", "shootdown", 3, TRIM_PROGRAM, TRIM_SCRIPT, TRIM_VALUES);
        assertClean(r);
    }

    /**
     * SYNC-CORE-KTHREAD (found by explore on today's kernel). cpu1 runs task#3, which calls
     * sched_yield(): cpu1 switches to kthread#5, lazily on mm#1. task#4 on cpu0 modifies code and
     * calls membarrier(PRIVATE_EXPEDITED_SYNC_CORE): cpu1 runs a kthread without an mm, so it is
     * not interrupted. kthread#5 then kthread_use_mm()s mm#1, the mm it already holds lazily (no
     * CR3 write), and switches back to task#3 while using it: a "user -> user" switch on one mm,
     * again no CR3 write and no sync_core. task#3 returns from sched_yield() with SYSRET, which
     * does not serialize, and runs the old code.
     */
    private static final String SYNC_CORE_PROGRAM = "user:1 sched run | user:1 mbregsc mbsc | kthread use:1 sched unuse";
    private static final String SYNC_CORE_SCRIPT = "0:MembarrierUser.userSlow 1:Kthread.kthreadUseMm 0:MembarrierUser.readFlags 1";
    // picks: cpu0's idle takes task#4; no preemption; cpu1's idle takes task#3, whose sched picks
    // kthread#5; no preemption in kthread_use_mm nor before kthread#5's sched, which picks task#3
    private static final int[] SYNC_CORE_VALUES = {1, 0, 0, 0, 0, 0, 0};

    @Test
    void syncCoreKthread() {
        Result r = run("SYNC-CORE-KTHREAD", "x86", "refcount", 2, SYNC_CORE_PROGRAM, SYNC_CORE_SCRIPT, SYNC_CORE_VALUES);
        String message = assertFound(r, "MembarrierSyncCore:membarrier_private_expedited");
        assertTrue(message.contains("task#3 runs user code of mm#1 on cpu1"), message);
    }

    @Test
    void theSameScheduleWithACoreSyncInKthreadUseMmIsClean() {
        Result r = run("membarrier", "x86", "refcount", 2, SYNC_CORE_PROGRAM, SYNC_CORE_SCRIPT, SYNC_CORE_VALUES);
        String trace = assertClean(r);
        assertTrue(trace.contains("cpu1 ArchX86.syncCoreBeforeUsermode"), "cpu1 never synced its core:\n" + trace);
    }

    /**
     * GLOBAL-STALE-STATE (found by explore on today's kernel), on x86-TSO. task#3 registers
     * process 1 for GLOBAL_EXPEDITED on cpu1 and exits: exit_mm() clears rq1->membarrier_state,
     * and its last schedule() switches to task#4 of the same mm. membarrier_switch_mm() returns at
     * once (prev->active_mm == next->mm), so rq1->membarrier_state stays 0 while a thread of a
     * registered process runs there. task#4's fast path (store, barrier(), load) and task#5's
     * slow path on cpu0 (store, membarrier(GLOBAL_EXPEDITED), load), which skips cpu1 for its
     * state, each miss the other's store: task#4's store is still in cpu1's store buffer.
     */
    private static final String STALE_PROGRAM = "user:1 mbregg | user:1 mbgfast | user:2 mbgslow";
    private static final String STALE_SCRIPT = "1:MembarrierUser.readFlags 1:Exit.exitMm 0";

    @Test
    void globalStaleState() {
        Result r = runIn("tso", "GLOBAL-STALE-STATE", "x86", "refcount", 2, STALE_PROGRAM, STALE_SCRIPT);
        assertFound(r, "MembarrierOrdering:membarrier_global_expedited");
    }

    @Test
    void theSameScheduleWithMembarrierSwitchMmAlwaysUpdatingIsClean() {
        Result r = runIn("tso", "membarrier", "x86", "refcount", 2, STALE_PROGRAM, STALE_SCRIPT);
        String trace = assertClean(r);
        assertTrue(trace.contains("cpu1 Membarrier.ipiMb"), "cpu1 was not interrupted:\n" + trace);
    }

    /**
     * membarrier's barrier (g), kthread_use_mm()'s mmdrop_lazy_tlb(), taken away (plant-no-mb-g,
     * on the hazard scheme where it is a bare smp_mb()), on x86-TSO. cpu1 runs task#3, which
     * calls sched_yield(): cpu1 switches to kthread#5, lazily on mm#1. kthread#5 kthread_use_mm()s
     * mm#1 (task#4 has registered process 1 for PRIVATE_EXPEDITED): no CR3 write (prev ==
     * next). Without (g), only x86's lazy catch-up (is_lazy = false; smp_mb(); read tlb_gen)
     * orders its store to tsk->mm before its fast path; a model of switch_mm_irqs_off without
     * that smp_mb() found both sides missing each other here. With it, the schedule is clean: (g)
     * is redundant on x86 (removing it is caught on powerpc, KernelOracleTest).
     */
    private static final String MB_G_PROGRAM = "user:1 sched | user:1 mbreg mbslow | kthread use:1 mbfast unuse";
    private static final String MB_G_SCRIPT = "0:MembarrierUser.userSlow 1:Kthread.kthreadUnuseMm 0";
    // picks: cpu0's idle takes task#4 (which registers); cpu1's idle takes task#3, whose sched
    // picks kthread#5; no preemption
    private static final int[] MB_G_VALUES = {1, 0, 0, 0};

    @Test
    void withoutBarrierGTheLazyCatchUpsSmpMbStillOrdersTheKthreadOnX86() {
        Result r = runIn("tso", "plant-no-mb-g", "x86", "hazard", 2, MB_G_PROGRAM, MB_G_SCRIPT, MB_G_VALUES);
        String trace = assertClean(r);
        assertTrue(trace.contains("cpu1 ArchX86.switchMmIrqsOff"), "no switch_mm_irqs_off on cpu1:\n" + trace);
    }

    @Test
    void theSameScheduleWithBarrierGIsClean() {
        Result r = runIn("tso", "hazard-membarrier", "x86", "hazard", 2, MB_G_PROGRAM, MB_G_SCRIPT, MB_G_VALUES);
        String trace = assertClean(r);
        assertTrue(trace.contains("cpu1 Membarrier.ipiMb"), "cpu1 was not interrupted:\n" + trace);
    }
}
