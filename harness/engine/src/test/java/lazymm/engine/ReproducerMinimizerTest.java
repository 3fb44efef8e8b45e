package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import lazymm.engine.io.Reproducer;
import lazymm.engine.strategy.LenientReplay;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Schedule minimization on the committed reproducers of the positive controls: the result
 * replays strictly to the same signature, is no larger, and is 1-minimal (no single task,
 * operation, context switch, preemption, drain, interrupt or alternative removal keeps the
 * signature with a smaller reproducer).
 */
@NeedsAgent
class ReproducerMinimizerTest {

    static final Path DIR = Path.of("../../fuzz-corpus/reproducers");

    static List<Path> controls() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> minimizedControlsAreOneMinimal() throws IOException {
        List<Path> files = controls();
        assertFalse(files.isEmpty(), "no reproducers in " + DIR);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Reproducer r = Reproducer.read(f);
            ReproducerMinimizer.Outcome m = ReproducerMinimizer.minimize(r);
            Reproducer min = m.minimized();
            // exact: strict replay, same signature
            Result strict = Replayer.replay(min, false);
            assertNotNull(strict.violation());
            assertEquals(r.signature(), strict.violation().signature());
            assertFalse(m.before().smallerThan(m.after()), m.before() + " -> " + m.after());
            assertTrue(m.after().ops() <= m.before().ops());
            assertTrue(m.after().switches() <= m.before().switches(), m.before() + " -> " + m.after());
            // 1-minimal
            ReproducerMinimizer mz = ReproducerMinimizer.of(min);
            ReproducerMinimizer.Run cur = mz.attempt(min.program(), min.schedule());
            assertNotNull(cur, "the minimized schedule, replayed leniently, lost the signature");
            assertEquals(min.schedule(), cur.schedule(), "lenient replay of an exact schedule is exact");
            List<ReproducerMinimizer.Candidate> ns = mz.neighbours(cur);
            List<String> kept = new ArrayList<>();
            for (ReproducerMinimizer.Candidate c : ns) {
                ReproducerMinimizer.Run n = mz.attempt(c.program(), c.schedule());
                if (n != null && n.size().smallerThan(cur.size())) kept.add(c.what() + ": " + n.size());
            }
            assertTrue(kept.isEmpty(), "not 1-minimal: " + kept);
        }));
    }

    @Test
    void aTimeLimitKeepsTheSmallestSoFar() throws IOException {
        Reproducer r = Reproducer.read(controls().get(controls().size() - 1));
        ReproducerMinimizer.Outcome m = ReproducerMinimizer.minimize(r, 1e-9);
        assertFalse(m.oneMinimal());
        Result res = Replayer.replay(m.minimized(), false);
        assertEquals(r.signature(), res.violation().signature());
        assertTrue(ReproducerMinimizer.minimize(Reproducer.read(controls().get(0))).oneMinimal());
    }

    @Test
    void lenientReplayNeverDivergesAndFollowsWhatFits() throws IOException {
        Reproducer r = Reproducer.read(controls().get(0));
        Result exact = Replayer.replay(r, false);
        ReproducerMinimizer mz = ReproducerMinimizer.of(r);
        ReproducerMinimizer.Run same = mz.attempt(r.program(), r.schedule());
        assertNotNull(same);
        assertEquals(exact.traceHash(), same.result().traceHash(), "an exact schedule is followed exactly");
        // labels that never fit, and a schedule that runs out: the defaults fill in, no divergence
        LenientReplay s = new LenientReplay(List.of("c9", "x", "p"));
        s.startExecution();
        Execution e = new Execution(Replayer.targetFor(r), r.config(), r.program(), s, r.maxSteps(), true, false);
        s.labels(e::label);
        Result res = e.run();
        assertEquals(0, s.consumed());
        assertTrue(s.taken().stream().noneMatch(LenientReplay.Choice::deviates), "the default deviates from nothing");
        assertEquals(res.schedule().size(), s.taken().size());
    }
}
