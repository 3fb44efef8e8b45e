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

    @Test
    void aMutantIsCaughtWhenTheMedianOfItsSeedsFindsIt() {
        java.util.List<Object> rows = java.util.List.of(
                java.util.Map.of("variant", "MUT-a", "mode", "fuzz", "found", 3L, "runs", 5L),
                java.util.Map.of("variant", "MUT-b", "mode", "fuzz", "found", 2L, "runs", 5L),
                java.util.Map.of("variant", "MUT-c", "mode", "fuzz", "found", 5L, "runs", 5L),
                java.util.Map.of("variant", "MUT-2ecedd756908", "mode", "fuzz", "found", 0L, "runs", 5L));
        assertEquals("mutants caught by fuzz: 2 of 3 (67%)\nmissed: MUT-b (fuzz)\n"
                + "not counted: MUT-2ecedd756908 (clean: nothing found)", BenchCommand.caughtSummary(rows));
    }

    @Test
    void theProjectsFiguresFileHasItsSections() {
        Path figures = Path.of("..", "..", "docs", "FIGURES.md");
        FiguresFile.check(figures, "bench");
        FiguresFile.check(figures, "time-to-bug");
        FiguresFile.check(figures, "mutants");
    }
}
