package lazymm.engine.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lazymm.engine.BadInput;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;

/**
 * A reproducer: one versioned JSON file with everything that replays a violation exactly (the
 * configuration, the program, the schedule) and what it is expected to show (the violation's
 * signature), plus the command that replays it.
 *
 * @param target        the target id ({@code example}, {@code kernel})
 * @param modelVersion  the target's model version when it was written
 * @param config        the configuration
 * @param program       what each CPU does
 * @param schedule      the chosen action at every point with two or more options
 * @param maxSteps      the step bound it ran with
 * @param kind          the violation kind
 * @param signature     the violation signature
 * @param message       the violation's message when it was found
 * @param foundBy       how it was found (strategy, seed, execution), for the record
 * @param findings      every finding of the execution in order (a WARN, a freed object still
 *                      named, then the violation that ended it): the verdict is one of them
 * @param stopOnWarn    the execution stopped at its first WARN ({@code --stop-on-warn}); a
 *                      replay must too, or it would go on past the recorded schedule
 */
public record Reproducer(String target, int modelVersion, Config config, Program program,
                         List<String> schedule, long maxSteps, String kind, String signature,
                         String message, Map<String, Object> foundBy, List<Finding> findings, boolean stopOnWarn) {

    /** One finding: what a reproducer's {@code findings} lists. */
    public record Finding(String kind, String signature, String message) {
        public static Finding of(lazymm.model.sim.Violation v) {
            return new Finding(v.kind(), v.signature(), v.getMessage() == null ? "" : v.getMessage());
        }
    }

    public Reproducer {
        findings = List.copyOf(findings);
    }

    /** A reproducer with its verdict only, no other finding, that did not stop at a WARN. */
    public Reproducer(String target, int modelVersion, Config config, Program program,
                      List<String> schedule, long maxSteps, String kind, String signature,
                      String message, Map<String, Object> foundBy) {
        this(target, modelVersion, config, program, schedule, maxSteps, kind, signature, message, foundBy, List.of(), false);
    }

    /** This reproducer with the findings of its execution and the stop option it ran with. */
    public Reproducer withFindings(List<lazymm.model.sim.Violation> all, boolean stopOnWarn) {
        return new Reproducer(target, modelVersion, config, program, schedule, maxSteps, kind, signature, message, foundBy,
                all.stream().map(Finding::of).toList(), stopOnWarn);
    }

    public static final String FORMAT = "lazymm-reproducer";
    /** The format version this build writes; {@link #READS} lists those it reads. */
    public static final int VERSION = 1;
    public static final List<Integer> READS = List.of(1);
    /**
     * The largest file read: a schedule of 10 million choices. Past it the file is not one lazymm
     * wrote (and reading it whole, /dev/zero say, would exhaust the memory).
     */
    public static final long MAX_BYTES = 64L << 20;

    public Map<String, Object> toJson(Path file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", (long) VERSION);
        m.put("target", target);
        m.put("model_version", (long) modelVersion);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("variant", config.variant());
        c.put("arch", config.arch());
        c.put("lazy_tlb", config.lazyTlb());
        c.put("memory", config.memory());
        c.put("cpus", (long) config.cpus());
        m.put("config", c);
        m.put("program", program.perCpu());
        m.put("schedule", schedule);
        m.put("max_steps", maxSteps);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("kind", kind);
        v.put("signature", signature);
        v.put("message", message);
        m.put("violation", v);
        if (findings.size() > 1) {  // more than the verdict: every finding, in order
            List<Object> fs = new ArrayList<>();
            for (Finding x : findings) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("kind", x.kind());
                f.put("signature", x.signature());
                f.put("message", x.message());
                fs.add(f);
            }
            m.put("findings", fs);
        }
        if (stopOnWarn) m.put("stop_on_warn", Boolean.TRUE);
        m.put("found_by", foundBy);
        m.put("replay", "./lazymm replay " + file);
        return m;
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        // write then rename, so that an interrupted run never leaves half a reproducer
        // (the pid keeps two processes writing the same reproducer, fuzzing workers, apart)
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.writeString(tmp, Json.write(toJson(file)), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads and checks a reproducer; every problem is a {@link BadInput} naming the field. */
    public static Reproducer read(Path file) {
        String text = TextFile.read(file, MAX_BYTES, "a reproducer lazymm wrote");
        Object root;
        try {
            root = Json.parse(text);
        } catch (Json.ParseError e) {
            throw new BadInput(file + ":" + e.getMessage() + " (not a JSON reproducer)");
        }
        Fields f = new Fields(file, "", root);
        if (!FORMAT.equals(f.str("format"))) {
            throw new BadInput(file + ": field 'format' must be \"" + FORMAT + "\"");
        }
        long version = f.num("version");
        if (version != (int) version || !READS.contains((int) version)) {
            throw new BadInput(file + ": reproducer format version " + version
                    + " is not supported; this lazymm reads versions " + READS);
        }
        Fields c = f.obj("config");
        Config cfg;
        try {
            cfg = new Config(c.str("variant"), c.str("arch"), c.str("lazy_tlb"), c.str("memory"),
                    c.integer("cpus"));
        } catch (IllegalArgumentException e) {
            throw new BadInput(file + ": field 'config': " + e.getMessage());
        }
        List<List<String>> prog = new ArrayList<>();
        List<Object> rows = f.list("program");
        for (int i = 0; i < rows.size(); i++) {
            prog.add(f.strings("program[" + i + "]", rows.get(i)));
        }
        List<String> schedule = f.strings("schedule", f.get("schedule"));
        Fields v = f.obj("violation");
        Object fb = f.get("found_by");
        @SuppressWarnings("unchecked")
        Map<String, Object> foundBy = fb instanceof Map ? (Map<String, Object>) fb : Map.of();
        long maxSteps = f.num("max_steps");
        if (maxSteps < 1) {
            throw new BadInput(file + ": field 'max_steps' must be at least 1, got " + maxSteps
                    + " (the step bound the search ran with; lazymm writes " + lazymm.engine.Execution.DEFAULT_STEP_BOUND + " by default)");
        }
        List<Finding> findings = new ArrayList<>();
        if (root instanceof Map<?, ?> rm && rm.containsKey("findings")) {
            List<Object> fl = f.list("findings");
            for (int i = 0; i < fl.size(); i++) {
                Fields x = new Fields(file, "findings[" + i + "].", fl.get(i));
                findings.add(new Finding(x.str("kind"), x.str("signature"), x.optStr("message")));
            }
        }
        boolean stopOnWarn = false;
        if (root instanceof Map<?, ?> rm && rm.containsKey("stop_on_warn")) {
            if (!(rm.get("stop_on_warn") instanceof Boolean b)) {
                throw new BadInput(file + ": field 'stop_on_warn' must be true or false");
            }
            stopOnWarn = b;
        }
        return new Reproducer(f.str("target"), f.integer("model_version"), cfg, Program.of(prog),
                schedule, maxSteps, v.str("kind"), v.str("signature"), v.optStr("message"),
                foundBy, findings, stopOnWarn);
    }

    /** Typed field access with errors that name the file and the field. */
    private record Fields(Path file, String prefix, Object node) {

        Object get(String key) {
            if (!(node instanceof Map<?, ?> m)) {
                throw new BadInput(file + ": " + (prefix.isEmpty() ? "the document" : "field '" + prefix + "'")
                        + " must be a JSON object");
            }
            if (!m.containsKey(key)) {
                throw new BadInput(file + ": missing field '" + prefix + key + "'");
            }
            return m.get(key);
        }

        String str(String key) {
            Object v = get(key);
            if (!(v instanceof String s)) throw wrong(key, "a string", v);
            return s;
        }

        String optStr(String key) {
            return node instanceof Map<?, ?> m && m.get(key) instanceof String s ? s : "";
        }

        long num(String key) {
            Object v = get(key);
            if (!(v instanceof Long l)) throw wrong(key, "a whole number", v);
            return l;
        }

        int integer(String key) {
            long l = num(key);
            if (l != (int) l) throw new BadInput(file + ": field '" + prefix + key + "' is out of range, got " + l);
            return (int) l;
        }

        Fields obj(String key) {
            Object v = get(key);
            if (!(v instanceof Map)) throw wrong(key, "an object", v);
            return new Fields(file, prefix + key + ".", v);
        }

        @SuppressWarnings("unchecked")
        List<Object> list(String key) {
            Object v = get(key);
            if (!(v instanceof List)) throw wrong(key, "an array", v);
            return (List<Object>) v;
        }

        List<String> strings(String name, Object v) {
            if (!(v instanceof List<?> l)) throw wrong(name, "an array of strings", v);
            List<String> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                if (!(l.get(i) instanceof String s)) {
                    throw wrong(name + "[" + i + "]", "a string", l.get(i));
                }
                out.add(s);
            }
            return out;
        }

        private BadInput wrong(String key, String expected, Object found) {
            String what = found == null ? "null" : found instanceof String ? "a string"
                    : found instanceof List ? "an array" : found instanceof Map ? "an object"
                    : found.toString();
            return new BadInput(file + ": field '" + prefix + key + "' must be " + expected
                    + ", found " + what);
        }
    }
}
