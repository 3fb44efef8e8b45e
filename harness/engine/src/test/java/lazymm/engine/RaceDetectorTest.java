package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import lazymm.engine.strategy.Exhaustive;
import lazymm.model.fixtures.AccessPatterns;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The KCSAN-style race detector: a planted race is reported in some execution, naming both sites;
 * a correctly marked or correctly ordered program is never reported, over every execution of an
 * exhaustive search, in every memory mode.
 */
@NeedsAgent
class RaceDetectorTest {

    /** Every execution of the program: the violations seen, as "kind: message". */
    private static List<String> violations(String mode, String prog) {
        return violations(mode, "none", prog);
    }

    private static List<String> violations(String mode, String arch, String prog) {
        List<List<String>> ops = new ArrayList<>();
        for (String cpu : prog.split("\\|")) ops.add(List.of(cpu.trim().split("\\s+")));
        Program p = Program.of(ops);
        Config cfg = new Config("access-patterns", arch, "none", mode, ops.size());
        List<String> found = new ArrayList<>();
        Run.everyExecution(new AccessPatterns(), cfg, p, 10_000, 200_000, (e, r) -> {
            if (r.violation() != null) found.add(r.violation().signature() + ": " + r.violation().getMessage());
        });
        return found;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
            // plain write against plain read, nothing ordering them
            "sc;   wx | rx",
            "tso;  wx | rx",
            "weak; wx | rx",
            // plain write against a marked read: still a race (one side is plain)
            "weak; wx | RX",
            // message passing with plain data but no barriers
            "weak; wx Wf | Rf rx",
            // the writer orders, the reader does not (missing smp_rmb)
            "weak; wx wmb Wf | Rf rx",
            // release without acquire
            "tso;  wx relf | Rf rx",
            // a plain write under the lock, a plain read outside it
            "sc;   lock wx unlock | rx"})
    void plantedRaceIsReportedWithBothSites(String mode, String prog) {
        List<String> v = violations(mode.trim(), prog);
        assertTrue(!v.isEmpty(), "no race reported");
        String first = v.get(0);
        assertTrue(first.startsWith("DataRace:"), first);
        assertTrue(first.contains("data race on x"), first);
        assertTrue(first.contains("plain write") && first.contains("cpu0") && first.contains("cpu1"), first);
        assertTrue(first.contains("AccessPatterns.java:"), "no Java line: " + first);
    }

    /**
     * What KCSAN would print of a race, from where each access is compiled (the letters: cpu0's
     * file, cpu1's, instrumented or not): both instrumented, KCSAN reports both sides; only a plain
     * read instrumented, its watchpoint sees the other CPU's write change the value (unknown
     * origin); only the write instrumented, or only a marked access, or neither: KCSAN cannot see
     * it, an LKMM data race only.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
            "kcsan:yy; wx | rx; DataRace; BUG: KCSAN: data-race in ",
            "kcsan:ny; wx | rx; DataRace; race at unknown origin, with read",
            "kcsan:yn; wx | rx; LkmmDataRace; the other access is a read",
            "kcsan:ny; wx | RX; LkmmDataRace; a marked access sets no watchpoint",
            "kcsan:nn; wx | rx; LkmmDataRace; neither access is in a file it instruments",
            "kcsan:yy; wx | RX; DataRace; CONFIG_KCSAN_ASSUME_PLAIN_WRITES_ATOMIC=y"})
    void aRaceSaysWhatKcsanWouldReport(String arch, String prog, String kind, String says) {
        List<String> v = violations("sc", arch.trim(), prog);
        assertTrue(!v.isEmpty(), "no race reported");
        for (String first : v) {
            assertTrue(first.startsWith(kind.trim() + ":"), first);
            assertTrue(first.contains(says.trim()), first);
            assertTrue(first.contains("cpu0.c") && first.contains("cpu1.c"), first);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
            "sc;   WX | RX", "tso;  WX | RX", "weak; WX | RX",
            "sc;   wx relf | acqf rx", "tso;  wx relf | acqf rx", "weak; wx relf | acqf rx",
            "weak; wx wmb Wf | Rf rmb rx", "tso; wx wmb Wf | Rf rmb rx",
            "weak; wx mb Wf | Rf mb rx",
            "sc;   lock wx unlock | lock rx unlock", "weak; lock wx unlock | lock rx unlock",
            "tso;  lock wx unlock | lock rx unlock | lock wx unlock",
            "weak; rx | rx"})
    void orderedOrMarkedProgramsStayQuiet(String mode, String prog) {
        assertEquals(List.of(), violations(mode.trim(), prog));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sc", "tso", "weak"})
    void messagePassingWithReleaseAcquireNeverReadsStale(String mode) {
        // the data the reader sees after acquiring the flag is always the new one
        Config cfg = new Config("access-patterns", "none", "none", mode, 2);
        Program p = Program.of(List.of(List.of("WX", "relf"), List.of("acqf", "RX")));
        Exhaustive s = new Exhaustive(Integer.MAX_VALUE);
        int sawFlag = 0;
        while (s.startExecution()) {
            Execution e = new Execution(new AccessPatterns(), cfg, p, s, 10_000, false, false);
            Result r = e.run();
            assertEquals(null, r.violation());
            String reader = ((AccessPatterns.Patterns) e.instance()).seen[1].toString();
            if (!reader.isEmpty()) {
                sawFlag++;
                assertEquals("1", reader);
            }
        }
        assertNotNull(sawFlag > 0 ? "" : null, "the reader never saw the flag");
    }
}
