package lazymm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import lazymm.engine.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench --figures: the section between the markers is replaced, the rest kept; a bad file is refused before any work. */
class FiguresFileTest {

    @TempDir Path dir;

    @Test
    void theSectionIsReplacedAndTheRestKept() throws Exception {
        Path f = dir.resolve("F.md");
        Files.writeString(f, "# head\n<!-- bench:begin -->\nold\n<!-- bench:end -->\ntail\n");
        FiguresFile.check(f, "bench").write("| a | b |\n");
        assertEquals("# head\n<!-- bench:begin -->\n| a | b |\n<!-- bench:end -->\ntail\n", Files.readString(f));
        FiguresFile.check(f, "bench").write("new");
        assertEquals("# head\n<!-- bench:begin -->\nnew\n<!-- bench:end -->\ntail\n", Files.readString(f));
    }

    @Test
    void aFileWithoutTheMarkersOrMissingIsRefusedWithTheFix() throws Exception {
        Path f = dir.resolve("F.md");
        Files.writeString(f, "# no markers\n");
        assertTrue(assertThrows(BadInput.class, () -> FiguresFile.check(f, "bench")).getMessage()
                .contains("it has no section <!-- bench:begin --> ... <!-- bench:end -->"));
        assertTrue(assertThrows(BadInput.class, () -> FiguresFile.check(dir.resolve("none.md"), "bench")).getMessage()
                .startsWith("--figures "));
    }

    private static java.util.Map<String, Object> row(String id, long found, Double median) {
        java.util.Map<String, Object> r = new java.util.LinkedHashMap<>();
        r.put("variant", id);
        r.put("mode", "fuzz");
        r.put("found", found);
        r.put("runs", 5L);
        r.put("median_seconds", median);
        return r;
    }

    @Test
    void aMutantIsCaughtWhenTheMedianOfItsSeedsFindsIt() {
        java.util.List<Object> rows = java.util.List.of(row("MUT-a", 3, 20.0), row("MUT-b", 2, null), row("MUT-c", 5, 4.0),
                row("MUT-2ecedd756908", 0, null));
        assertEquals("mutants caught by fuzz: 2 of 3 (67%)\nmissed: MUT-b (fuzz)\n"
                + "not counted: MUT-2ecedd756908 (clean: nothing found)", BenchCommand.caughtSummary(rows));
    }

    @Test
    void earlyStopRunsOnlyTheSeedsThatCanChangeTheMedian() {
        var hit = new BenchCommand.Search(12.3, 100, 12.3);
        var fast = new BenchCommand.Search(2.0, 10, 2.0);
        var miss = new BenchCommand.Search(-1, 5000, 60);
        java.util.List<BenchCommand.Search> none = java.util.List.of();
        assertEquals(60, BenchCommand.limitOf(none, 5, 60));
        assertEquals(60, BenchCommand.limitOf(java.util.List.of(hit, fast), 5, 60), "fewer than 3 of 5 found: the full time");
        assertEquals(14, BenchCommand.limitOf(java.util.List.of(hit, fast, hit), 5, 60), "the 3rd smallest so far, rounded up, +1 s");
        assertEquals(3, BenchCommand.limitOf(java.util.List.of(fast, fast, fast, hit), 5, 60));
        assertEquals(60, BenchCommand.limitOf(java.util.List.of(miss, miss, hit), 5, 60), "2 missed of 5: still open");
        assertEquals(0, BenchCommand.limitOf(java.util.List.of(miss, hit, miss, miss), 5, 60), "3 missed of 5: the median is a miss");
        assertEquals(0, BenchCommand.limitOf(java.util.List.of(miss), 1, 60));
        assertEquals(60, BenchCommand.limitOf(java.util.List.of(miss, hit), 4, 60), "of 4 the median is the 2nd smallest");
        assertEquals(0, BenchCommand.limitOf(java.util.List.of(miss, miss, miss), 4, 60));
    }

    @Test
    void theProjectsFiguresFileHasItsSections() {
        Path figures = Path.of("..", "..", "docs", "FIGURES.md");
        FiguresFile.check(figures, "bench");
        FiguresFile.check(figures, "time-to-bug");
        FiguresFile.check(figures, "mutants");
    }
}
