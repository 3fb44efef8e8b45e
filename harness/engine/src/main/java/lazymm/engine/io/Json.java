package lazymm.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON this tool reads and writes (reproducers, reports), through Jackson: objects as ordered
 * maps, arrays as lists, strings, longs, doubles, booleans and null. Reading is bounded by
 * Jackson's {@link StreamReadConstraints} (nesting, document and string sizes), so that no input
 * exhausts the stack or the memory; a malformed document is a {@link ParseError} that says
 * line:column and what Jackson expected. {@link #write} pretty-prints as lazymm always has (the
 * committed reproducers are in this layout): two spaces of indent, {@code "key": value}, and
 * arrays of scalars (a schedule, a program row) on one line.
 */
public final class Json {

    private Json() {}

    /** The deepest nesting of arrays and objects read: a reproducer has 3, a report 5. */
    public static final int MAX_DEPTH = 100;
    /** The longest document read, as {@link Reproducer#MAX_BYTES}. */
    public static final long MAX_LENGTH = Reproducer.MAX_BYTES;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxDocumentLength(MAX_LENGTH)
                    .build())
            .build();

    /** Whole numbers as Long (never Integer), and nothing after the document. */
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A malformed document: the message has line:column. */
    public static final class ParseError extends Exception {
        public ParseError(String message) { super(message); }
    }

    /** The document as maps, lists and scalars. */
    public static Object parse(String text) throws ParseError {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (StreamConstraintsException e) {
            throw new ParseError(at(e.getLocation()) + (e.getMessage().contains("nesting depth")
                    ? "nested deeper than " + MAX_DEPTH + " arrays and objects"
                    : oneLine(e.getOriginalMessage())));
        } catch (JsonProcessingException e) {
            String m = oneLine(e.getOriginalMessage());
            throw new ParseError(at(e.getLocation()) + (m.startsWith("Trailing token")
                    ? "expected the end of the document, found more" : m));
        }
    }

    private static String at(JsonLocation where) {
        return where == null || where.getLineNr() < 1 ? " " : where.getLineNr() + ":" + where.getColumnNr() + ": ";
    }

    private static String oneLine(String s) {
        return s == null ? "malformed" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    // ---- writing ----

    /** {@code v} pretty-printed, with a line end. */
    public static String write(Object v) {
        StringWriter out = new StringWriter();
        Layout layout = new Layout();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(layout);
            write(g, layout, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a StringWriter does not fail
        }
        return out.append('\n').toString();
    }

    private static void write(JsonGenerator g, Layout layout, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    write(g, layout, e.getValue());
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                // the generator puts the separator before this array (the enclosing one's) first,
                // then starts it: the layout takes this flag at the start
                layout.nextFlat = l.stream().noneMatch(x -> x instanceof Map || x instanceof List);
                g.writeStartArray();
                for (Object x : l) write(g, layout, x);
                g.writeEndArray();
            }
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Double d -> {
                if (d.isNaN() || d.isInfinite()) g.writeNull();
                else g.writeNumber(String.format(Locale.ROOT, "%.6g", d).trim());  // six significant digits
            }
            case Float f -> write(g, layout, (double) f);
            case Long n -> g.writeNumber(n);
            case Integer n -> g.writeNumber(n);
            case Number n -> g.writeNumber(n.toString());
            default -> g.writeString(v.toString());
        }
    }

    /**
     * lazymm's layout: each object entry and each element of an array that holds objects or
     * arrays on its own line, indented by two spaces a level; an array of scalars on one line,
     * {@code ["a", "b"]}; empty ones as {@code {}} and {@code []}.
     */
    private static final class Layout implements PrettyPrinter {
        /** Whether each array being written (innermost first) holds only scalars. */
        private final Deque<Boolean> flat = new ArrayDeque<>();
        /** Whether the array about to start holds only scalars. */
        boolean nextFlat;
        private int level;

        private void newLine(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
            for (int i = 0; i < level; i++) g.writeRaw("  ");
        }

        @Override public void writeRootValueSeparator(JsonGenerator g) throws IOException { g.writeRaw('\n'); }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
            level++;
        }

        @Override public void beforeObjectEntries(JsonGenerator g) throws IOException { newLine(g); }

        @Override public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException { g.writeRaw(": "); }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            newLine(g);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            level--;
            if (entries > 0) newLine(g);
            g.writeRaw('}');
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw('[');
            flat.push(nextFlat);
            if (!nextFlat) level++;
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            if (!flat.peek()) newLine(g);
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            if (flat.peek()) g.writeRaw(' ');
            else newLine(g);
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            if (!flat.pop()) {
                level--;
                if (values > 0) newLine(g);
            }
            g.writeRaw(']');
        }
    }
}
