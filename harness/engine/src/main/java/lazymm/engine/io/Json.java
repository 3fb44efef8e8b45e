package lazymm.engine.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON this tool reads and writes (reproducers, reports): objects as ordered maps,
 * arrays as lists, strings, longs, doubles, booleans and null. Parse errors say line:column and
 * what was expected; {@link #write} pretty-prints with short arrays of scalars on one line.
 */
public final class Json {

    /** A malformed document: the message has line:column. */
    public static final class ParseError extends Exception {
        public ParseError(String message) { super(message); }
    }

    /** The deepest nesting of arrays and objects read: a reproducer has 3, a report 5. */
    public static final int MAX_DEPTH = 100;

    private final String s;
    private int pos;
    private int depth;

    private Json(String s) { this.s = s; }

    public static Object parse(String text) throws ParseError {
        Json p = new Json(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.pos != p.s.length()) throw p.error("end of document");
        return v;
    }

    private ParseError error(String expected) {
        int line = 1, col = 1;
        for (int i = 0; i < pos && i < s.length(); i++) {
            if (s.charAt(i) == '\n') { line++; col = 1; } else { col++; }
        }
        String found = pos < s.length() ? "'" + s.charAt(pos) + "'" : "end of input";
        return new ParseError(line + ":" + col + ": expected " + expected + ", found " + found);
    }

    private void ws() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    private Object value() throws ParseError {
        if (pos >= s.length()) throw error("a value");
        char c = s.charAt(pos);
        switch (c) {
            case '{', '[': {
                if (++depth > MAX_DEPTH) throw error("at most " + MAX_DEPTH + " nested arrays and objects");
                Object v = c == '{' ? object() : array();
                depth--;
                return v;
            }
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw error("a value");
        }
    }

    private Object literal(String word, Object v) throws ParseError {
        if (!s.startsWith(word, pos)) throw error("'" + word + "'");
        pos += word.length();
        return v;
    }

    private Map<String, Object> object() throws ParseError {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        ws();
        if (pos < s.length() && s.charAt(pos) == '}') { pos++; return m; }
        while (true) {
            ws();
            if (pos >= s.length() || s.charAt(pos) != '"') throw error("a key in double quotes");
            String k = string();
            ws();
            if (pos >= s.length() || s.charAt(pos) != ':') throw error("':'");
            pos++;
            ws();
            m.put(k, value());
            ws();
            if (pos < s.length() && s.charAt(pos) == ',') { pos++; continue; }
            if (pos < s.length() && s.charAt(pos) == '}') { pos++; return m; }
            throw error("',' or '}'");
        }
    }

    private List<Object> array() throws ParseError {
        List<Object> l = new ArrayList<>();
        pos++;
        ws();
        if (pos < s.length() && s.charAt(pos) == ']') { pos++; return l; }
        while (true) {
            ws();
            l.add(value());
            ws();
            if (pos < s.length() && s.charAt(pos) == ',') { pos++; continue; }
            if (pos < s.length() && s.charAt(pos) == ']') { pos++; return l; }
            throw error("',' or ']'");
        }
    }

    private String string() throws ParseError {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c == '\\') {
                if (pos >= s.length()) break;
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("four hex digits");
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("four hex digits");
                        }
                        pos += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
        throw error("a closing '\"'");
    }

    private Object number() throws ParseError {
        int start = pos;
        if (s.charAt(pos) == '-') pos++;
        while (pos < s.length() && "0123456789.eE+-".indexOf(s.charAt(pos)) >= 0) pos++;
        String t = s.substring(start, pos);
        try {
            if (t.contains(".") || t.contains("e") || t.contains("E")) return Double.parseDouble(t);
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("a number");
        }
    }

    // ---- writing ----

    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, 0);
        sb.append('\n');
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) { sb.append("{}"); return; }
            sb.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                pad(sb, indent + 2);
                quote(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), indent + 2);
                if (++i < m.size()) sb.append(',');
                sb.append('\n');
            }
            pad(sb, indent);
            sb.append('}');
        } else if (v instanceof List<?> l) {
            boolean flat = l.stream().noneMatch(x -> x instanceof Map || x instanceof List);
            if (flat) {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(", ");
                    write(sb, l.get(i), indent);
                }
                sb.append(']');
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                pad(sb, indent + 2);
                write(sb, l.get(i), indent + 2);
                if (i + 1 < l.size()) sb.append(',');
                sb.append('\n');
            }
            pad(sb, indent);
            sb.append(']');
        } else if (v instanceof String str) {
            quote(sb, str);
        } else if (v == null) {
            sb.append("null");
        } else if (v instanceof Double d) {
            sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(java.util.Locale.ROOT, "%.6g", d).trim());
        } else {
            sb.append(v);
        }
    }

    private static void pad(StringBuilder sb, int n) {
        for (int i = 0; i < n; i++) sb.append(' ');
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
