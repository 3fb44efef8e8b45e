package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lazymm.engine.io.Reproducer;
import lazymm.engine.strategy.RoundRobin;
import lazymm.model.fixtures.AccessPatterns;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import lazymm.model.sim.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings that do not end an execution (a WARN, a freed object still named): the execution goes
 * on after them, the result lists every finding in order, and its verdict is the violation that
 * ended it, else the first finding that is not a WARN, else the first WARN; {@code stopOn} ends
 * it at the first finding of a kind instead. Reproducers carry the findings and the stop option.
 */
@NeedsAgent
class FindingsTest {

    private static Result run(String ops, Set<String> stopOn) {
        Program p = Program.of(List.of(List.of(ops.split(" "))));
        Config cfg = new Config("access-patterns", "none", "none", "sc", 1);
        RoundRobin s = new RoundRobin();
        s.startExecution();
        return new Execution(new AccessPatterns(), cfg, p, s, 1000, true, true).stopOn(stopOn).run();
    }

    private static List<String> kinds(Result r) {
        return r.findings().stream().map(Violation::kind).toList();
    }

    @Test
    void aWarnIsReportedAndTheExecutionGoesOn() {
        Result r = run("WX warn RX WX", Set.of());
        assertEquals(List.of("Warn"), kinds(r));
        assertEquals("Warn", r.violation().kind());
        Result quiet = run("WX RX WX", Set.of());
        assertNull(quiet.violation());
        assertEquals(quiet.steps(), r.steps(), "the accesses after the WARN ran");
    }

    @Test
    void whatFollowsAWarnIsTheVerdict() {
        Result r = run("warn WX bug RX", Set.of());
        assertEquals(List.of("Warn", "Bug"), kinds(r));
        assertEquals("Bug:bug_site", r.violation().signature());
        Result named = run("warn WX named RX", Set.of());
        assertEquals(List.of("Warn", "FreedWhileNamed"), kinds(named));
        assertEquals("FreedWhileNamed", named.violation().kind(), "the consequence over the symptom");
    }

    @Test
    void stopOnWarnEndsTheExecutionAtTheWarn() {
        Result r = run("warn WX bug RX", Set.of("Warn"));
        assertEquals(List.of("Warn"), kinds(r));
        assertEquals("Warn:warn_site", r.violation().signature());
        assertTrue(r.steps() < run("warn WX bug RX", Set.of()).steps(), "it stopped before the next access");
    }

    @Test
    void theTraceShowsEachFindingWhereItCame() {
        Result r = run("WX warn RX named WX", Set.of());
        List<String> found = r.events().stream().filter(e -> e.kind == lazymm.engine.trace.TraceEvent.Kind.FINDING)
                .map(e -> e.detail).toList();
        assertEquals(2, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("Warn:warn_site: WARNING in warn_site"), found.get(0));
        assertTrue(found.get(1).startsWith("FreedWhileNamed:free_site"), found.get(1));
    }

    @Test
    void aReproducerCarriesEveryFindingAndTheStopOption(@TempDir Path tmp) throws Exception {
        Result r = run("warn WX bug RX", Set.of());
        Violation v = r.violation();
        Reproducer rep = new Reproducer("access-patterns", 1, new Config("access-patterns", "none", "none", "sc", 1),
                Program.of(List.of(List.of("warn", "WX", "bug", "RX"))), r.schedule(), 1000, v.kind(), v.signature(),
                v.getMessage(), Map.of()).withFindings(r.findings(), true);
        Path f = tmp.resolve("r.json");
        rep.write(f);
        String json = Files.readString(f);
        assertTrue(json.contains("\"findings\"") && json.contains("\"stop_on_warn\": true"), json);
        Reproducer back = Reproducer.read(f);
        assertEquals(rep.findings(), back.findings());
        assertTrue(back.stopOnWarn());
        assertEquals(List.of("Warn:warn_site", "Bug:bug_site"),
                back.findings().stream().map(Reproducer.Finding::signature).toList());
    }
}
