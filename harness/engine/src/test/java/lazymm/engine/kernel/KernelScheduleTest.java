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

    /**
     * HP-HOTPLUG (seed 003, Paul McKenney's splat). cpu1 runs task#3 of process 1, which
     * switches to kthread#4: user->kernel, so under the hazard scheme cpu1 is lazy on mm#1 with
     * only rq->lazy_mm, no count. The hotplug controller on cpu0 takes cpu1 down; kthread#4
     * exits there and hands mm#1 to cpu1's idle task (kernel->kernel). On the 5.13 path,
     * finish_cpu() then mmdrop()s idle->active_mm: the users' only count, so mm#1 is freed while
     * task#3 still uses it ("BUG: Bad rss-counter state").
     */
    private static final String HOTPLUG_PROGRAM = "user:1 run sched run | kthread sched | cpuhp down:1";
    private static final String HOTPLUG_SCRIPT = "1:Exit.exitMm 0 1 0 1 0";
    // picks: cpu1's idle takes task#3; no preemption; task#3's sched picks kthread#4; kthread#4's
    // sched keeps itself (the third ready task); cpu0's idle takes the hotplug controller
    private static final int[] HOTPLUG_VALUES = {0, 0, 0, 2, 0};

    @Test
    void hpHotplug() {
        Result r = run("HP-HOTPLUG", "x86", "hazard", 2, HOTPLUG_PROGRAM, HOTPLUG_SCRIPT, HOTPLUG_VALUES);
        assertNotNull(r.violation(), String.join("\n", r.trace()));
        assertEquals("UseAfterFree", r.violation().kind(), r.violation().toString());
        assertEquals("UseAfterFree:__mmdrop<-mmdrop<-finish_cpu", r.violation().signature(), r.violation().toString());
    }

    @Test
    void theSameScheduleOnTheHazardSchemeDoneRightIsClean() {
        Result r = run("hazard", "x86", "hazard", 2, HOTPLUG_PROGRAM, HOTPLUG_SCRIPT, HOTPLUG_VALUES);
        assertNull(r.violation(), () -> r.violation() + "\n" + String.join("\n", r.trace()));
    }

    /**
     * HP-CPUMASK (seed 003, Nick Piggin: arm64 never sets mm_cpumask bits). cpu1 runs task#3 and
     * switches to kthread#4: cpu1 is lazy on mm#1 through its hazard pointer only. task#3 moves
     * to cpu0 and exits; its mmput is the last, and mm_unlazy_mm_count, iterating mm_cpumask as
     * on x86, finds no CPU: the final mmdrop frees mm#1 under both lazy CPUs.
     */
    private static final String CPUMASK_PROGRAM = "user:1 run sched run | kthread sched";
    private static final String CPUMASK_SCRIPT = "1:Exit.exitMm 0";
    // picks: cpu1's idle takes task#3; no preemption; task#3's sched picks kthread#4;
    // kthread#4's sched keeps itself; cpu0's idle takes task#3; no preemption
    private static final int[] CPUMASK_VALUES = {0, 0, 0, 1, 0, 0};

    @Test
    void hpCpumask() {
        Result r = run("HP-CPUMASK", "arm64", "hazard", 2, CPUMASK_PROGRAM, CPUMASK_SCRIPT, CPUMASK_VALUES);
        assertNotNull(r.violation(), String.join("\n", r.trace()));
        assertEquals("UseAfterFree:__mmdrop<-mmdrop<-__mmput", r.violation().signature(), r.violation().toString());
    }

    @Test
    void theSameScheduleWithTheDefaultIteratorIsClean() {
        Result r = run("hazard-arm64", "arm64", "hazard", 2, CPUMASK_PROGRAM, CPUMASK_SCRIPT, CPUMASK_VALUES);
        assertNull(r.violation(), () -> r.violation() + "\n" + String.join("\n", r.trace()));
    }

    /**
     * SHOOT-TRIM (21641bd9a7a7's changelog). cpu1 is lazy on mm#1 (task#4 -> kthread#5; the
     * SHOOTDOWN scheme takes no count) when the hotplug controller on cpu0 takes it down. On the
     * pre-v6.14 path, take_cpu_down's __cpu_disable clears cpu1 from mm#1's mm_cpumask while cpu1
     * still runs on mm#1 until idle_task_exit(). In that window task#4 exits on cpu2: the final
     * mmdrop shoots down the lazy users in mm_cpumask, which no longer has cpu1, and frees mm#1
     * under it.
     */
    private static final String TRIM_PROGRAM = "user:1 run sched run | kthread sched | cpuhp down:1";
    private static final String TRIM_SCRIPT = "1:Exit.exitMm 0 1 0 1:CpuHotplug.idleTaskExit 2";
    // picks: cpu1's idle takes task#4; no preemption; task#4's sched picks kthread#5; kthread#5's
    // sched keeps itself; cpu0's idle takes the hotplug controller; task#4, back on cpu2, goes on
    private static final int[] TRIM_VALUES = {0, 0, 0, 2, 0, 0};

    @Test
    void shootTrim() {
        Result r = run("SHOOT-TRIM", "powerpc", "shootdown", 3, TRIM_PROGRAM, TRIM_SCRIPT, TRIM_VALUES);
        assertNotNull(r.violation(), String.join("\n", r.trace()));
        assertEquals("UseAfterFree:__mmdrop<-mmdrop<-__mmput", r.violation().signature(), r.violation().toString());
        assertTrue(r.violation().getMessage().contains("still loaded in cpu1's MMU"), r.violation().getMessage());
    }

    @Test
    void theSameScheduleWithTodaysHotplugIsClean() {
        Result r = run("shootdown", "powerpc", "shootdown", 3, TRIM_PROGRAM, TRIM_SCRIPT, TRIM_VALUES);
        assertNull(r.violation(), () -> r.violation() + "\n" + String.join("\n", r.trace()));
    }
}
