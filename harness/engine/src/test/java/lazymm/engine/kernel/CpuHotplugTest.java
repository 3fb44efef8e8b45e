package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.kernel.KernelTarget;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CPU hotplug as the kernel has it: operations serialized by cpu_add_remove_lock (two
 * controllers never wait on each other's CPUs), the checks made under it (the last online CPU
 * stays, a CPU already down or up is left alone), and the CPU counts the model's cpumasks hold.
 */
@NeedsAgent
class CpuHotplugTest {

    private static Explorer.Outcome explore(Config cfg, String strategy, long seed, long executions, String program) {
        return Explorer.explore(Explorer.Settings.of(new KernelTarget(), cfg).strategy(strategy).seed(seed)
                .maxExecutions(executions).program(program == null ? null : Program.parse(program)), 1e9, null);
    }

    private static Config upstream(String arch, int cpus) {
        Config c = new KernelTarget().onArch(lazymm.model.Catalog.variant("upstream").defaults(), arch);
        return c.withCpus(cpus);
    }

    /**
     * Two controllers, each taking down a CPU the other runs on: without cpu_add_remove_lock each
     * spun on its CPU waiting for the other's CPU to run its hotplug states (a Deadlock within 21
     * random executions). The second one sleeps on the mutex; its CPU is free.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "random, user:1 run sched | user:1 run | cpuhp down:1 up:1 | cpuhp down:2 up:2",
            "pct,    user:1 run sched | user:1 run | cpuhp down:1 up:1 | cpuhp down:2 up:2",
            "random, user:1 run | kthread use:1 unuse | cpuhp down:1 up:1 | cpuhp up:1 down:1",
            "swarm,  user:1 mbreg mbfast | user:1 run | cpuhp down:2 up:2 | cpuhp down:1 up:1 | cpuhp down:2"})
    void concurrentControllersAreSerialized(String strategy, String program) {
        Explorer.Outcome o = explore(upstream("x86", 3), strategy, 1, 2_000, program);
        assertNull(o.failing(), () -> o.failing().violation() + "\n  program " + o.program());
        assertEquals(2_000, o.executions());
    }

    /** Every arch: the mutex's release and acquire order one controller's operation before the next. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"x86", "arm64", "powerpc", "s390"})
    void serializedControllersStayQuietOnEveryArch(String arch) {
        Explorer.Outcome o = explore(upstream(arch, 3), "swarm", 3, 1_000,
                "user:1 run sched | user:1 mbreg mbfast | kthread use:1 unuse | cpuhp down:1 up:1 | cpuhp down:2 up:2 down:1");
        assertNull(o.failing(), () -> o.failing().violation() + "\n  program " + o.program());
    }

    /**
     * The checks _cpu_down() and _cpu_up() make under the lock: with two CPUs, CPU 1 taken down
     * twice (the second finds it offline), CPU 0 (which the model keeps online, as x86 must), and
     * CPU 1 up twice.
     */
    @Test
    void theLastOnlineCpuAndCpuZeroStay() {
        Explorer.Outcome o = explore(upstream("x86", 2), "random", 5, 2_000,
                "user:1 run sched | cpuhp down:1 up:1 | cpuhp down:1 down:0 | cpuhp up:1 up:1 down:0");
        assertNull(o.failing(), () -> o.failing().violation() + "\n  program " + o.program());
    }

    /**
     * The model's cpumasks are 32-bit words: at Config.MAX_CPUS, with the highest CPU (the sign
     * bit of the mask) going down and up, every arch stays quiet. At 64 CPUs, what the bound was,
     * cpu_online_mask was (1L << 64) - 1 == 0 and upstream reported a Leak at its first execution;
     * at 33..63 CPU n aliased CPU n - 32 (a DataRace at 63).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"x86", "arm64", "powerpc", "s390"})
    void theModelRunsAtItsMostCpus(String arch) {
        int top = Config.MAX_CPUS - 1;
        Explorer.Outcome o = explore(upstream(arch, Config.MAX_CPUS), "random", 1, 20,
                "user:1 mbreg run sched mbfast | user:1 run mbslow | kthread use:1 unuse | user:2 run | cpuhp down:" + top
                        + " up:" + top + " down:" + (top - 1));
        assertNull(o.failing(), () -> o.failing().violation() + "\n  program " + o.program());
        Explorer.Outcome r = explore(upstream(arch, Config.MAX_CPUS), "random", 1, 10, null);
        assertNull(r.failing(), () -> r.failing().violation() + "\n  program " + r.program());
    }

    @Test
    void moreCpusThanTheMasksHoldAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> upstream("x86", Config.MAX_CPUS + 1));
        assertTrue(e.getMessage().contains("cpus must be 1..32 (the model's cpumasks are 32-bit words), got 33"), e.getMessage());
    }
}
