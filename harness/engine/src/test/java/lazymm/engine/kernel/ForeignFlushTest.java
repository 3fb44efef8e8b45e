package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.Catalog;
import lazymm.model.kernel.KernelTarget;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import lazymm.model.sim.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A flush of another process's mm ({@code mkclean:G}: msync's writeback write-protects a page
 * process G maps too) from a CPU that runs a thread of a process whose other thread flushes its
 * own mm at the same time. With 953753db887f reverted (MUT-953753db887f) the flushing CPU, left
 * in G's mm_cpumask by an earlier thread of G, runs flush_tlb_func() for G's mm locally and
 * compares G's generation with its loaded mm's, which the other thread's flush has moved past
 * this CPU's: the WARN the kernel test robot and syzbot reported. Today's kernel clears the
 * stale bit and returns.
 */
@NeedsAgent
class ForeignFlushTest {

    /**
     * Two threads of process 1 leave both CPUs in its mm_cpumask and raise its generation; then a
     * thread of process 2 on one of them writes back process 1's page while the other thread of
     * process 2 zaps its own page.
     */
    static final Program FOREIGN = Program.parse(
            "user:1 run zap run zap run | user:1 run zap run | user:2 run zap run zap run zap run zap run | user:2 run mkclean:1 run");

    @TempDir
    Path tmp;

    private static Explorer.Outcome explore(Config cfg, long seed, long executions) {
        return Explorer.explore(Explorer.Settings.of(new KernelTarget(), cfg)
                .strategy("random").seed(seed).maxExecutions(executions).program(FOREIGN), 1e9, null);
    }

    /** Today's kernel: quiet on the program, every oracle on. */
    @Test
    void todaysKernelIsQuiet() {
        Config cfg = Catalog.variant("upstream").defaults();
        Explorer.Outcome o = explore(cfg, 1, 5_000);
        assertNull(o.failing(), () -> "upstream: " + o.failing().violation());
        assertEquals(5_000, o.executions());
    }

    /** The reverted fix WARNs (seeds 1 and 2: at 246 and 414 executions when written) and replays. */
    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "2"})
    void mutantWarnsAndReplays(long seed) throws Exception {
        String variant = "MUT-953753db887f";
        Config cfg = Catalog.variant(variant).defaults();
        Explorer.Outcome o = explore(cfg, seed, 10_000);
        assertNotNull(o.failing(), variant + ": nothing in " + o.executions() + " executions");
        Violation v = ExecWithoutMmTest.warnOf(o.failing());
        assertTrue(v.toString().contains("f->new_tlb_gen > mm_tlb_gen"), v.toString());
        KernelExploreTest.assertReplays(variant, cfg, o, tmp);
    }
}
