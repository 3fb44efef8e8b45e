package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import lazymm.cli.Main;
import lazymm.engine.io.Reproducer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The replay trace: tracing changes nothing of the execution, and the text format is kept stable
 * by golden files (src/test/resources/traces/NAME.short.txt and NAME.full.txt, the output of
 * {@code ./lazymm replay NAME.min.json [--full]}). After a deliberate change of the format or of
 * the model, regenerate them with {@code -Dlazymm.update-goldens=true} and review the diff.
 */
@NeedsAgent
class TraceTest {

    static final Path TRACES = Path.of("src/test/resources/traces");

    @TestFactory
    Stream<DynamicTest> tracingChangesNothing() throws IOException {
        return ReproducerMinimizerTest.controls().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Reproducer r = Reproducer.read(f);
            Result plain = Replayer.replay(r, false);
            Result traced = Replayer.replay(r, true);
            assertEquals(plain.traceHash(), traced.traceHash());
            assertEquals(plain.schedule(), traced.schedule());
            assertEquals(plain.steps(), traced.steps());
            assertTrue(traced.events().size() >= traced.steps() - 1, "an event per step");
        }));
    }

    @org.junit.jupiter.api.Test
    void htmlIsOneSelfContainedPageWithTheViolationHighlighted(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path f = TRACES.resolve("HP-HOTPLUG.min.json");
        Path html = tmp.resolve("t.html");
        StringWriter o = new StringWriter();
        int code = Main.run(new String[] {"replay", f.toString(), "--no-trace", "--html", html.toString()},
                new PrintWriter(o, true), new PrintWriter(new StringWriter(), true));
        assertEquals(1, code, o.toString());
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        for (String external : new String[] {"http:", "https:", "<link", "src=", "@import", "url("}) {
            assertTrue(!page.contains(external), "the page loads something: " + external);
        }
        assertEquals(1, page.split("class=\"e ACCESS[^\"]* bad\"", -1).length - 1, "one violating event highlighted");
        Reproducer r = Reproducer.read(f);
        Result res = Replayer.replay(r, true);
        assertEquals(res.events().size(), page.split("<div class=\"e ", -1).length - 1, "a lane cell per event");
        assertTrue(page.contains("grid-column:4"), "cpu2's lane");
        assertTrue(page.contains(r.message().substring(0, 20)), "the report");
    }

    /** The short view's objects: ptpage#1(mm#2) is the page alone, not every field of mm#2. */
    @org.junit.jupiter.api.Test
    void aSubObjectNamedWithItsOwnerIsOneObject() {
        assertEquals(List.of("ptpage#1(mm#2)"), objects("ptpage#1(mm#2) freed while on its mm's context.pgtable_list"));
        assertEquals(List.of("pgtable#1(mm#2, ptpage#1(mm#2) lower)", "mm#3"), objects("pgtable#1(mm#2, ptpage#1(mm#2) lower) of mm#3"));
        // a parenthesis after a space is prose, not an owner
        assertEquals(List.of("task#4", "page#1", "mm#1"), objects("cpu2 (task#4) used va 0 -> page#1 (mm#1 va 0)"));
    }

    private static List<String> objects(String message) {
        return List.copyOf(lazymm.engine.trace.TraceView.objectsOf(new lazymm.model.sim.Violation("K", "f", message)));
    }

    @TestFactory
    Stream<DynamicTest> traceFormatMatchesTheGoldenFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(TRACES)) {
            files = s.filter(p -> p.toString().endsWith(".min.json")).sorted().toList();
        }
        assertTrue(files.size() >= 2, "golden reproducers in " + TRACES);
        boolean update = Boolean.getBoolean("lazymm.update-goldens");
        return files.stream().flatMap(f -> Stream.of("short", "full").map(view -> DynamicTest.dynamicTest(
                f.getFileName() + " " + view, () -> {
                    String name = f.getFileName().toString().replace(".min.json", "." + view + ".txt");
                    StringWriter o = new StringWriter();
                    StringWriter e = new StringWriter();
                    String[] args = view.equals("full") ? new String[] {"replay", f.toString(), "--full"}
                            : new String[] {"replay", f.toString()};
                    int code = Main.run(args, new PrintWriter(o, true), new PrintWriter(e, true));
                    assertEquals(1, code, e.toString());
                    Path golden = TRACES.resolve(name);
                    if (update) Files.writeString(golden, o.toString());
                    assertEquals(Files.readString(golden), o.toString(),
                            "the trace of " + f + " changed; if on purpose, rerun with -Dlazymm.update-goldens=true");
                })));
    }
}
