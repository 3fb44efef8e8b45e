package lazymm.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** JSON through Jackson: lazymm's layout kept byte for byte, numbers as Long and Double, inputs bounded. */
class JsonTest {

    /** Every committed reproducer reads and writes back to the same bytes: the layout is lazymm's own. */
    @Test
    void committedReproducersRewriteToTheSameBytes() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Files.list(Path.of("../../fuzz-corpus/reproducers")),
                Files.list(Path.of("src/test/resources/traces")))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 20, "reproducers: " + files);
        for (Path f : files) {
            String text = Files.readString(f);
            assertEquals(text, Json.write(Json.parse(text)), f.toString());
        }
    }

    @Test
    void theLayoutPutsArraysOfScalarsOnOneLine() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\nd\te");
        m.put("n", 7L);
        m.put("d", 0.5);
        m.put("big", 1234567.0);
        m.put("nan", Double.NaN);
        m.put("flat", List.of("x", 1L, true));
        m.put("empty", List.of());
        m.put("none", Map.of());
        m.put("nested", List.of(List.of(), List.of("a", "b"), Map.of("k", List.of())));
        m.put("null", null);
        assertEquals("""
                {
                  "s": "a\\"b\\\\c\\nd\\te",
                  "n": 7,
                  "d": 0.500000,
                  "big": 1.23457e+06,
                  "nan": null,
                  "flat": ["x", 1, true],
                  "empty": [],
                  "none": {},
                  "nested": [
                    [],
                    ["a", "b"],
                    {
                      "k": []
                    }
                  ],
                  "null": null
                }
                """, Json.write(m));
    }

    @Test
    void wholeNumbersAreLongsAndTheRestDoubles() throws Exception {
        Object v = Json.parse("{\"a\": 1, \"b\": [2, 3.5, -4e2], \"c\": {}, \"d\": null, \"e\": false}");
        Map<?, ?> m = (Map<?, ?>) v;
        assertTrue(m instanceof LinkedHashMap);
        assertEquals(1L, m.get("a"));
        assertEquals(List.of(2L, 3.5, -400.0), m.get("b"));
        assertTrue(m.get("b") instanceof ArrayList);
        assertEquals(Map.of(), m.get("c"));
        assertTrue(m.containsKey("d") && m.get("d") == null);
        assertEquals(false, m.get("e"));
    }

    @Test
    void nestingPastTheBoundIsAParseErrorNotAStackOverflow() throws Exception {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
        for (String deep : new String[] {"[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1),
                "{\"a\":".repeat(1_000_000)}) {
            Json.ParseError e = assertThrows(Json.ParseError.class, () -> Json.parse(deep));
            assertEquals(" nested deeper than 100 arrays and objects", e.getMessage());
        }
    }

    @Test
    void malformedDocumentsSayLineAndColumn() {
        Json.ParseError e = assertThrows(Json.ParseError.class, () -> Json.parse("{\n  \"a\": 1,\n  \"b\" 2\n}"));
        assertTrue(e.getMessage().startsWith("3:7: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        e = assertThrows(Json.ParseError.class, () -> Json.parse("{} {}"));
        assertTrue(e.getMessage().endsWith("expected the end of the document, found more"), e.getMessage());
    }
}
