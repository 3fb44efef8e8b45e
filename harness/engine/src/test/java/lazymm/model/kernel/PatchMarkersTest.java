package lazymm.model.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lazymm.model.sim.Expect;
import org.junit.jupiter.api.Test;

/**
 * Reads the model's sources and checks that the variant declarations and the code agree: every
 * patch has its marked lines, every marker names a declared patch, every line that asks for a
 * patch is marked with it, no variant id is compared as a string in the model, and every positive
 * control has a committed reproducer. What a reviewer would otherwise check by hand when a
 * patch is ported (docs/CHECKING-A-PATCH.md).
 */
class PatchMarkersTest {

    /** The model's sources, from this module's directory (harness/engine). */
    private static final Path MODEL = Path.of("..", "..", "model", "src", "main", "java", "lazymm", "model");
    private static final Path REPRODUCERS = Path.of("..", "..", "fuzz-corpus", "reproducers");
    /** Where the declarations are: they name patches and variants by design. */
    private static final Set<String> DECLARATIONS = Set.of("Patch.java", "Variants.java", "KernelVariant.java", "KConfig.java");
    /** The lazy-TLB schemes' Kconfig-like names ("shootdown", "hazard") are also variant ids: the scheme is not the variant. */
    private static final Set<String> VOCABULARY = Set.of("LazyTlb.java");

    private static final Pattern MARKER = Pattern.compile("//.*\\bPATCH: ([A-Za-z0-9._-]+?)(?::|\\s|$)");
    private static final Pattern USE = Pattern.compile("\\bPatch\\.([A-Z][A-Z0-9_]+)\\b");
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Line(Path file, int number, String text) {
        @Override public String toString() { return file.getFileName() + ":" + number + ": " + text.strip(); }
    }

    private static List<Line> modelLines() throws IOException {
        List<Line> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MODEL)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> text = Files.readAllLines(f);
                for (int i = 0; i < text.size(); i++) out.add(new Line(f, i + 1, text.get(i)));
            }
        }
        return out;
    }

    private static boolean declaration(Line l) { return DECLARATIONS.contains(l.file().getFileName().toString()); }

    @Test
    void everyMarkerNamesADeclaredPatch() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Line l : modelLines()) {
            Matcher m = MARKER.matcher(l.text());
            if (m.find() && Patch.byId(m.group(1)) == null) wrong.add(l + "  (no patch has id '" + m.group(1) + "')");
            if (l.text().contains("BROKEN:") || l.text().contains("PLANTED:")) wrong.add(l + "  (the old markers: write // PATCH: <id>)");
        }
        assertEquals(List.of(), wrong, "markers that name no declared patch");
    }

    @Test
    void everyLineThatAsksForAPatchIsMarkedWithIt() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Line l : modelLines()) {
            if (declaration(l)) continue;
            Matcher u = USE.matcher(l.text());
            while (u.find()) {
                Patch p = Patch.valueOf(u.group(1));
                if (!l.text().contains("PATCH: " + p.id)) wrong.add(l + "  (asks for " + p.name() + ": mark it // PATCH: " + p.id + ")");
            }
        }
        assertEquals(List.of(), wrong, "lines that ask for a patch without its marker");
    }

    @Test
    void everyPatchHasItsMarkedLinesAndIsAsked() throws IOException {
        Map<Patch, Integer> marked = new EnumMap<>(Patch.class);
        Map<Patch, Integer> asked = new EnumMap<>(Patch.class);
        for (Line l : modelLines()) {
            if (declaration(l)) continue;
            Matcher m = MARKER.matcher(l.text());
            if (m.find() && Patch.byId(m.group(1)) != null) marked.merge(Patch.byId(m.group(1)), 1, Integer::sum);
            Matcher u = USE.matcher(l.text());
            while (u.find()) asked.merge(Patch.valueOf(u.group(1)), 1, Integer::sum);
        }
        List<String> wrong = new ArrayList<>();
        for (Patch p : Patch.values()) {
            if (!marked.containsKey(p)) wrong.add(p.name() + " (" + p.id + ") has no line marked // PATCH: " + p.id);
            if (!asked.containsKey(p)) wrong.add(p.name() + " (" + p.id + ") is never asked for: no k.kc.has(Patch." + p.name() + ")");
        }
        assertEquals(List.of(), wrong, "patches without their lines in the model");
    }

    @Test
    void noVariantIdIsComparedAsAStringInTheModel() throws IOException {
        Set<String> ids = Variants.all().keySet();
        List<String> wrong = new ArrayList<>();
        for (Line l : modelLines()) {
            if (declaration(l) || VOCABULARY.contains(l.file().getFileName().toString())
                    || l.text().strip().startsWith("*") || l.text().strip().startsWith("//")) continue;
            String code = l.text().replaceAll("//.*$", "");
            Matcher s = STRING.matcher(code);
            while (s.find()) {
                if (ids.contains(s.group(1))) wrong.add(l + "  (the variant id \"" + s.group(1) + "\": ask KConfig.has(Patch) instead)");
            }
            if (code.contains("cfg.variant().equals") || code.contains("variant.equals(") || code.contains("variant().startsWith")) {
                wrong.add(l + "  (compares a variant id)");
            }
        }
        assertEquals(List.of(), wrong, "variant ids compared as strings in the model");
    }

    @Test
    void everyPositiveControlHasACommittedReproducer() {
        List<String> missing = new ArrayList<>();
        for (KernelVariant v : Variants.listed()) {
            if (v.expect().kind() != Expect.Kind.VIOLATION) continue;
            Path f = REPRODUCERS.resolve(v.id() + "." + v.expect().violation() + ".json");
            if (!Files.isRegularFile(f)) missing.add(v.id() + ": no " + f.getFileName() + " in fuzz-corpus/reproducers");
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void everyPlantIsUnlistedAndAppliesOnePlant() {
        for (KernelVariant v : Variants.all().values()) {
            long plants = v.applies().stream().filter(p -> p.kind == Patch.Kind.PLANT).count();
            assertTrue(plants <= 1, v.id() + " applies " + plants + " plants");
            if (plants == 1) assertTrue(!v.listed(), v.id() + " is listed with a plant");
        }
        for (Patch p : Patch.values()) {
            if (p.kind == Patch.Kind.PLANT) {
                assertTrue(Variants.all().values().stream().anyMatch(v -> v.applies().contains(p)), p.id + " is applied by no variant");
            }
        }
    }

    /**
     * Every plant shows what it is for: each declaration that applies a plant has at least one
     * expected-result row (PlantResultsTest runs them), every plant patch is applied by such a
     * declaration, and only plants have rows.
     */
    @Test
    void everyPlantHasItsExpectedResults() {
        List<String> wrong = new ArrayList<>();
        for (KernelVariant v : Variants.all().values()) {
            boolean plant = v.applies().stream().anyMatch(p -> p.kind == Patch.Kind.PLANT);
            if (plant && !Variants.PLANTS.contains(v)) wrong.add(v.id() + " applies a plant but is not in Variants.PLANTS");
            if (plant && v.results().isEmpty()) wrong.add(v.id() + " has no result row: say on which arch it is caught, and by what search (or why it is clean)");
            if (!plant && !v.results().isEmpty()) wrong.add(v.id() + " has result rows but applies no plant");
        }
        for (Patch p : Patch.values()) {
            if (p.kind == Patch.Kind.PLANT && Variants.PLANTS.stream().noneMatch(v -> v.applies().contains(p))) {
                wrong.add(p.id + " is in no plant declaration");
            }
        }
        assertEquals(List.of(), wrong, "plants without their expected results");
    }
}
