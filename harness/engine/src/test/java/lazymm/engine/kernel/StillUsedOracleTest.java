package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lazymm.engine.Execution;
import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.kernel.PatchedFieldTarget;
import lazymm.model.mem.Memory;
import lazymm.model.mem.RefVar;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import lazymm.model.sim.SequentialMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Still uses a freed object" is derived from the memory's state, not from a list of fields: any
 * pointer location whose newest value names a freed object is reported, a field a patch adds as
 * well as rq->lazy_mm; the index behind it is updated where a pointer is stored or an object
 * freed.
 */
@NeedsAgent
class StillUsedOracleTest {

    private static Explorer.Outcome explore(boolean plant, Config cfg, Program program, long executions) {
        return Explorer.explore(new Explorer.Settings(new PatchedFieldTarget(plant), cfg, "random", 3, 3, 2,
                Explorer.Programs.RANDOM, executions, 0,
                Execution.DEFAULT_STEP_BOUND, true, program, false), 1e9, null);
    }

    /** A field a patch adds, naming an mm after it was freed, is reported under its own name. */
    @Test
    void aPlantedFieldThatNamesAFreedMmIsReported() {
        Program p = Program.parse("user:1 run | user:1 run sched | kthread use:1 unuse");
        Explorer.Outcome o = explore(true, new Config("upstream", "x86", "refcount", "tso", 3), p, 200);
        assertNotNull(o.failing(), "nothing found in " + o.executions() + " executions");
        assertEquals("FreedWhileNamed", o.failing().violation().kind(), o.failing().violation().toString());
        assertTrue(o.failing().violation().getMessage().contains("while rq0->cached_mm still names it"),
                o.failing().violation().toString());
    }

    /** The same kernel without the planted field stays quiet: the fields it checks now are all held correctly. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"upstream, x86, refcount, tso", "hazard, x86, hazard, tso", "shootdown, powerpc, shootdown, weak",
            "hazard-arm64, arm64, hazard, weak"})
    void theCorrectModelStaysQuiet(String variant, String arch, String lazyTlb, String memory) {
        Explorer.Outcome o = explore(false, new Config(variant, arch, lazyTlb, memory, 3), null, 1_500);
        assertNull(o.failing(), () -> variant + ": " + o.failing().violation());
    }

    // ---- the index in Memory, on a sequential machine ----

    private static final class Obj {
        final String name;

        Obj(String name) { this.name = name; }

        @Override public String toString() { return name; }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sc", "tso", "weak"})
    void theIndexFollowsStoresAndFrees(String mode) {
        Memory mem = new Memory(new SequentialMachine(2), mode, false);
        Obj a = new Obj("obj#1");
        Obj b = new Obj("obj#2");
        Obj holder = new Obj("holder#1");
        mem.intVar(a, "obj#1.count", 1);
        mem.intVar(b, "obj#2.count", 1);
        RefVar<Obj> p = mem.refVar(holder, "holder#1.p", a);
        RefVar<Obj> q = mem.refVar(holder, "holder#1.q", null);
        RefVar<Obj> r = mem.refVar(holder, "holder#1.r", b);
        assertEquals(List.of(), mem.referencesToFreed());
        mem.kfree(a, "obj#1");  // p names it when it is freed
        assertEquals(List.of(p), mem.referencesToFreed());
        mem.write(q, a);  // a store of a freed object after the free
        assertEquals(List.of(p, q), mem.referencesToFreed());
        mem.write(p, b);
        assertEquals(List.of(q), mem.referencesToFreed());
        mem.xchg(q, null);
        assertEquals(List.of(), mem.referencesToFreed());
        mem.cmpxchg(r, b, a);  // a read-modify-write stores it too
        assertEquals(List.of(r), mem.referencesToFreed());
        RefVar<Obj> s = mem.refVar(holder, "holder#1.s", a);  // a location made with it
        assertEquals(List.of(r, s), mem.referencesToFreed());
        assertTrue(mem.freedBy(a).startsWith("cpu0"), mem.freedBy(a));
        assertNull(mem.freedBy(b));
    }
}
