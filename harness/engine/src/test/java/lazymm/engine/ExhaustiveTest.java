package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lazymm.engine.strategy.Exhaustive;
import lazymm.model.sim.Program;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exhaustive search enumerates each interleaving of shared accesses exactly once: with a bound
 * high enough, the count is the multinomial coefficient, and every execution's trace differs.
 */
@NeedsAgent
class ExhaustiveTest {

    @ParameterizedTest(name = "{0} with bound {1}: {2} executions")
    @CsvSource(delimiter = ';', value = {
            "inc | inc;            10; 6",      // 2 accesses each: C(4,2)
            "inc,inc | inc,inc;    10; 70",     // 4 each: C(8,4)
            "inc | inc | inc;      10; 90",     // 2 each on 3 CPUs: 6!/(2!2!2!)
            "inc,inc | inc,inc;     0; 2",      // no preemption: one CPU, then the other
            "inc,inc | inc,inc;     1; 8"})     // 2, plus x^k y^4 x^(4-k) for k=1..3, either CPU first
    void countsEveryInterleavingOnce(String prog, int bound, long expected) {
        String[] cpus = prog.split("\\|");
        List<List<String>> ops = new java.util.ArrayList<>();
        for (String c : cpus) ops.add(List.of(c.trim().split(",")));
        Program p = Program.of(ops);
        String broken = "example-lost-update";
        Exhaustive s = new Exhaustive(bound);
        Set<Long> traces = new HashSet<>();
        long n = 0;
        while (s.startExecution()) {
            // the broken counter: every inc is two plain accesses (load, store)
            Result r = new Execution(Run.target(broken), Run.config(broken).withCpus(cpus.length), p, s,
                    1000, false, false).run();
            traces.add(r.traceHash());
            n++;
        }
        assertEquals(expected, n);
        assertEquals(n, traces.size(), "some interleaving was explored twice");
    }
}
