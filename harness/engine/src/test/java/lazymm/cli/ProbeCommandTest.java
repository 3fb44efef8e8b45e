package lazymm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** ./lazymm probe without running one: the list, the help, and bad input (no compiler, root or bug needed). */
class ProbeCommandTest {

    private static MainTest.Out run(String... args) {
        return MainTest.run(args);
    }

    @Test
    void listNamesEachProbeOnALine() {
        MainTest.Out r = run("probe", "--list");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("GLOBAL-STALE-STATE ")), r.out());
        assertEquals("", r.err());
    }

    @Test
    void helpTeachesWhatItMeasuresTheVerdictAndTheExitCodes() {
        MainTest.Out r = run("probe", "--help");
        assertEquals(0, r.code(), r.err());
        for (String s : new String[] {"/proc/interrupts", "MEMBARRIER_CMD_GLOBAL_EXPEDITED", "Verdict: evidence when",
                "control is clean", "1 the finding's evidence", "4 cannot run here", "5 inconclusive", "3 internal error"}) {
            assertTrue(r.out().contains(s), s + " missing from:\n" + r.out());
        }
        assertTrue(run("--help").out().contains("./lazymm probe ID"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "probe NOPE;                          unknown probe 'NOPE' (expected one of GLOBAL-STALE-STATE, see ./lazymm probe --list)",
            "probe;                               which probe? give its ID (./lazymm probe --list lists them)",
            "probe GLOBAL-STALE-STATE --trials 0; --trials must be 1..1000, got 0",
            "probe GLOBAL-STALE-STATE --calls 5;  --calls must be 10..100000, got 5"})
    void badInputIsOneLineAndExitTwo(String args, String expected) {
        MainTest.Out r = run(args.trim().split("\\s+"));
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("lazymm: error: " + expected.trim(), r.err().strip());
        assertFalse(r.out().contains("lazymm probe GLOBAL"), "it started a probe: " + r.out());
    }
}
