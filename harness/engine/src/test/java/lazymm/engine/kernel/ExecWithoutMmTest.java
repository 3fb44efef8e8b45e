package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.Catalog;
import lazymm.model.kernel.KernelTarget;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import lazymm.model.sim.Violation;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A task without an mm that execs ({@code umh}: kernel_execve() from a user_mode_thread(), as the
 * usermode helper and init do): exec_mmap() with old_mm NULL and ->active_mm the mm it borrowed
 * lazily. Today's kernel stays quiet on every arch; with d53c3dfb23c4 reverted
 * (MUT-d53c3dfb23c4, powerpc radix) the IPI that takes lazy CPUs off the borrowed mm lands
 * between ->mm = mm and activate_mm() and finds ->mm set.
 */
@NeedsAgent
class ExecWithoutMmTest {

    /** A thread of process 1 switches to the helper on its CPU, which borrows mm 1, and exits last. */
    static final Program HELPER = Program.parse("user:1 run sched run | umh run exec run | user:1 run");

    @TempDir
    Path tmp;

    private static Explorer.Outcome explore(Config cfg, long seed, long executions, Program program) {
        return Explorer.explore(Explorer.Settings.of(new KernelTarget(), cfg)
                .strategy("random").seed(seed).maxExecutions(executions).program(program), 1e9, null);
    }

    /** Today's kernel: the helper's exec is quiet on each arch, every oracle on. */
    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"upstream, x86", "upstream, arm64", "upstream, powerpc", "upstream, s390", "hazard-membarrier, powerpc"})
    void todaysExecWithoutMmIsQuiet(String variant, String arch) {
        KernelTarget target = new KernelTarget();
        Config cfg = target.onArch(Catalog.variant(variant).defaults(), arch).withCpus(2);
        Explorer.Outcome o = explore(cfg, 1, 3_000, HELPER);
        assertNull(o.failing(), () -> variant + " " + arch + ": " + o.failing().violation());
        assertEquals(3_000, o.executions());
    }

    /** The reverted fix is found on the hand-written program and replays. */
    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "2"})
    void mutantIsFoundAndReplayed(long seed) throws Exception {
        String variant = "MUT-d53c3dfb23c4";
        Config cfg = Catalog.variant(variant).defaults().withCpus(2);
        Explorer.Outcome o = explore(cfg, seed, 20_000, HELPER);
        assertNotNull(o.failing(), variant + ": nothing in " + o.executions() + " executions");
        Violation v = warnOf(o.failing());
        KernelExploreTest.assertReplays(variant, cfg, o, tmp);
    }

    /**
     * ... and from random programs by the random walk (seeds 1 and 2: at 1,326 and 92 executions
     * when written), either through a umh row or through a user task's exec while another thread
     * of its mm flushes (the commit's first race: ->mm set before the new mm is active).
     */
    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "2"})
    void mutantIsFoundFromRandomPrograms(long seed) {
        String variant = "MUT-d53c3dfb23c4";
        Config cfg = Catalog.variant(variant).defaults();
        Explorer.Outcome o = Explorer.explore(Explorer.Settings.of(new KernelTarget(), cfg)
                .strategy("random").seed(seed).maxExecutions(20_000).programs(Explorer.Programs.RANDOM), 1e9, null);
        assertNotNull(o.failing(), variant + ": nothing in " + o.executions() + " executions");
        warnOf(o.failing());
    }

    /** The WARN among the execution's findings (the kernel goes on after it: the verdict may be what followed). */
    static Violation warnOf(lazymm.engine.Result r) {
        return r.findings().stream().filter(f -> f.kind().equals("Warn")).findFirst()
                .orElseThrow(() -> new AssertionError("no WARN among " + r.findings()));
    }
}
