package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import lazymm.engine.NeedsAgent;
import lazymm.model.kernel.SmpCallSingle;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * smp_call_function_single() (kernel/smp.c as {@code Smp} models it), over every execution of an
 * exhaustive search: with wait the caller always sees what the function wrote on the target,
 * which ran it in its IPI handler with interrupts off; without wait it may not, and under weak
 * memory even a relaxed wait for the function's flag does not make its data visible (the Broken
 * one), while an acquire does, for an int flag and for a pointer (smp_cond_load_acquire of a
 * RefVar). A call for this CPU runs here with interrupts off; an offline or bad target gets -ENXIO.
 */
@NeedsAgent
class SmpCallFunctionSingleTest {

    /** The values of {@code seen} over every execution (each one also checked for violations and ret). */
    private static List<Integer> seen(String mode, String scenario, int expectRet, int expectRanOn) {
        Config cfg = new Config("smp-call-single", "none", "none", mode, 2);
        Program p = Program.of(List.of(List.of(scenario), List.of()));
        List<Integer> out = new ArrayList<>();
        lazymm.engine.Run.everyExecution(new SmpCallSingle(), cfg, p, 20_000, 200_000, (e, r) -> {
            assertNull(r.violation(), () -> String.valueOf(r.violation()));
            SmpCallSingle.Run run = (SmpCallSingle.Run) e.instance();
            assertEquals(expectRet, run.ret, "smp_call_function_single() returned");
            if (expectRanOn >= 0) {
                assertEquals(expectRanOn, run.ranOn, "func ran on");
                assertTrue(run.ranIrqsOff, "func ran with interrupts on");
            }
            if (!out.contains(run.seen)) out.add(run.seen);
        });
        out.sort(null);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sc", "tso", "weak"})
    void withWaitTheCallerSeesWhatTheHandlerWrote(String mode) {
        assertEquals(List.of(1), seen(mode, "wait", 0, 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sc", "weak"})
    void brokenWithoutWaitTheCallerMayReadTheOldValue(String mode) {
        assertEquals(List.of(0, 1), seen(mode, "nowait", 0, -1));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
            // the Broken one: smp_cond_load_relaxed orders nothing after it
            "weak; nowait-relaxed; 0 1",
            "sc;   nowait-relaxed; 1",
            "tso;  nowait-relaxed; 1",
            "weak; nowait-acquire; 1",
            "weak; nowait-ptr;     1"})
    void aWaitForTheHandlersFlagOrdersOnlyWhenItIsAnAcquire(String mode, String scenario, String values) {
        List<Integer> want = new ArrayList<>();
        for (String v : values.trim().split(" ")) want.add(Integer.parseInt(v));
        assertEquals(want, seen(mode.trim(), scenario.trim(), 0, 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sc", "weak"})
    void aCallForThisCpuRunsHereWithInterruptsOff(String mode) {
        assertEquals(List.of(1), seen(mode, "self", 0, 0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"offline", "bad"})
    void anOfflineOrBadTargetGetsEnxioAndNothingRuns(String scenario) {
        assertEquals(List.of(0), seen("sc", scenario, -6, -1));
    }

    /**
     * flush_smp_call_function_queue()'s llist_del_all() takes the calls queued so far: a call
     * queued while they run waits for an interrupt entry of its own (and its xchg), which its
     * sender's IPI brings, once the first handler has returned and interrupts are on again. A
     * flush that ran its queue until empty ran it inside, past the xchg (a false
     * MembarrierOrdering on MUT-2ecedd756908); and the engine once took a second entry inside the
     * first, with interrupts off, from a request left over from an earlier pick.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"sc", "weak"})
    void aCallQueuedDuringAFlushRunsInALaterInterruptEntryWithInterruptsOn(String mode) {
        Config cfg = new Config("smp-call-single", "none", "none", mode, 2);
        Program p = Program.of(List.of(List.of("two"), List.of()));
        int[] executions = new int[1];
        lazymm.engine.Run.everyExecution(new SmpCallSingle(), cfg, p, 20_000, 200_000, (e, r) -> {
            assertNull(r.violation(), () -> String.valueOf(r.violation()));
            SmpCallSingle.Run run = (SmpCallSingle.Run) e.instance();
            executions[0]++;
            assertTrue(run.secondMadeWhileFirstRan);
            assertTrue(!run.enteredIrqsOff, "cpu1 took an interrupt with its interrupts off");
            assertTrue(run.entryOfFirst >= 1 && run.entryOfSecond > run.entryOfFirst,
                    "the second call ran in entry " + run.entryOfSecond + ", the first in " + run.entryOfFirst);
        });
        assertTrue(executions[0] > 0);
    }
}
