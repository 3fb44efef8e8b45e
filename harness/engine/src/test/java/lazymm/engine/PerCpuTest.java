package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.fixtures.PerCpuPatterns;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Per-CPU variables ({@code lazymm.model.mem.PerCpuInt}): CONFIG_DEBUG_PREEMPT's check reports
 * __this_cpu_* and smp_processor_id() (and this_cpu_ptr, which calls it) from preemptible code,
 * and nothing else: this_cpu_* is preempt-safe, raw_cpu_* unchecked; each CPU has its own copy;
 * a remote plain access of a copy races as any other location does, in every memory mode.
 */
@NeedsAgent
class PerCpuTest {

    /** Every execution of the program: the violations seen, as "signature: message". */
    private static List<String> violations(String mode, String prog, int[] expectEach) {
        List<List<String>> ops = new ArrayList<>();
        for (String cpu : prog.split("\\|")) ops.add(List.of(cpu.trim().split("\\s+")));
        Program p = Program.of(ops);
        Config cfg = new Config("per-cpu-patterns", "none", "none", mode, ops.size());
        List<String> found = new ArrayList<>();
        Run.everyExecution(new PerCpuPatterns(), cfg, p, 10_000, 100_000, (e, r) -> {
            if (r.violation() != null) {
                found.add(r.violation().signature() + ": " + r.violation().getMessage());
            } else if (expectEach != null) {
                PerCpuPatterns.Run run = (PerCpuPatterns.Run) e.instance();
                for (int c = 0; c < expectEach.length; c++) assertEquals(expectEach[c], run.value(c), "cpu" + c + "'s copy");
            }
        });
        return found;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
            // this_cpu_* from preemptible code: preempt-safe, never reported
            "sc;   tr tinc | tr tinc",
            "weak; tinc tinc | tinc",
            // __this_cpu_* and this_cpu_ptr with preemption off
            "tso;  pd _tr _tinc pe | pd _tinc ptr pe",
            // raw_cpu_* and raw_smp_processor_id(): never checked
            "sc;   rr rid | rr",
            // smp_processor_id() with preemption off
            "sc;   pd id pe"})
    void preemptSafeOrPinnedAccessesAreNotReported(String mode, String prog) {
        assertEquals(List.of(), violations(mode.trim(), prog, null));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
            "sc;   tinc tinc | tinc;         2; 1",
            "weak; pd _tinc pe tinc | tinc; 2; 1",
            "tso;  tinc | pd _tinc _tinc pe; 1; 2"})
    void eachCpuHasItsOwnCopy(String mode, String prog, int cpu0, int cpu1) {
        assertEquals(List.of(), violations(mode.trim(), prog, new int[] {cpu0, cpu1}));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
            // the Broken ones: what CONFIG_DEBUG_PREEMPT prints
            "sc;   _tr;       __this_cpu_read()",
            "sc;   tr _tinc;  __this_cpu_add()",
            "weak; pd pe _tr; __this_cpu_read()",
            "sc;   ptr;       smp_processor_id()",
            "tso;  id;        smp_processor_id()"})
    void brokenPreemptibleAccessIsReportedWithItsCallSite(String mode, String prog, String what) {
        List<String> v = violations(mode.trim(), prog, null);
        assertFalse(v.isEmpty(), "not reported");
        String first = v.get(0);
        assertTrue(first.startsWith("PreemptibleCpuAccess:cpu:"), first);
        assertTrue(first.contains("BUG: using " + what.trim() + " in preemptible [00000000] code: task0/1"), first);
        assertTrue(first.contains("caller is cpu (PerCpuPatterns.java:"), first);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sc", "tso", "weak"})
    void brokenRemotePlainReadOfAnotherCpusCopyRaces(String mode) {
        // cpu0 updates its copy with __this_cpu_inc (plain); cpu1 reads it with per_cpu(v, 0)
        List<String> v = violations(mode, "pd _tinc pe | per0", null);
        assertFalse(v.isEmpty(), "no race reported");
        assertTrue(v.get(0).startsWith("DataRace:") && v.get(0).contains("v@cpu0"), v.get(0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sc", "tso", "weak"})
    void markedUpdateAndMarkedRemoteReadDoNotRace(String mode) {
        // this_cpu_inc against READ_ONCE(per_cpu(v, 0)): both marked
        assertEquals(List.of(), violations(mode, "tinc | once0", null));
    }
}
