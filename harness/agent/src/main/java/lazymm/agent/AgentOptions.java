package lazymm.agent;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the agent instruments, and whether it talks about it: the parsed agent argument.
 *
 * <p>Syntax: {@code key[=value](;key[=value])*}, keys {@code include}, {@code exclude} (each a
 * comma-separated list of binary-name prefixes, matched as plain string prefixes, e.g.
 * {@code lazymm.model.}) and {@code verbose} (no value, or {@code true}/{@code false}). A key
 * that is given replaces its default; an empty {@code exclude=} excludes nothing. Example:
 * {@code -javaagent:lazymm-agent.jar=include=lazymm.model.,my.models.;exclude=lazymm.model.mem.;verbose}.
 *
 * <p>A class is instrumented when its binary name starts with an include prefix and with no
 * exclude prefix, nor with one of {@link #ALWAYS_EXCLUDED} (the yield hook itself and the agent:
 * a yield point inside {@code Yield.point} would recurse).
 */
public record AgentOptions(List<String> include, List<String> exclude, boolean verbose) {

    /** The model code: the kernel model and the examples. */
    public static final List<String> DEFAULT_INCLUDE = List.of("lazymm.model.", "lazymm.example.");

    /** Infrastructure inside the model packages: the memory API and the machine interfaces. */
    public static final List<String> DEFAULT_EXCLUDE = List.of("lazymm.model.mem.", "lazymm.model.sim.");

    /** Never instrumented, whatever the arguments say. */
    public static final List<String> ALWAYS_EXCLUDED = List.of("lazymm.rt.", "lazymm.agent.", "lazymm.shaded.");

    /** The keys {@link #parse} accepts. */
    public static final List<String> KEYS = List.of("include", "exclude", "verbose");

    public AgentOptions {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /** The defaults: model and example packages, minus memory and machine infrastructure, quiet. */
    public static AgentOptions defaults() {
        return new AgentOptions(DEFAULT_INCLUDE, DEFAULT_EXCLUDE, false);
    }

    /**
     * Parses the agent argument (the text after {@code =} in {@code -javaagent:jar=...});
     * {@code null} or blank gives {@link #defaults()}.
     *
     * @throws IllegalArgumentException for an unknown or repeated key, an {@code include} without
     *     prefixes, or a {@code verbose} value other than true/false; the message names the key
     *     and lists the valid keys. Thrown from premain, it fails the JVM start.
     */
    public static AgentOptions parse(String args) {
        AgentOptions result = defaults();
        if (args == null || args.isBlank()) return result;
        List<String> include = result.include;
        List<String> exclude = result.exclude;
        boolean verbose = result.verbose;
        Set<String> seen = new HashSet<>();
        for (String entry : args.split(";")) {
            entry = entry.strip();
            if (entry.isEmpty()) continue;
            int eq = entry.indexOf('=');
            String key = (eq < 0 ? entry : entry.substring(0, eq)).strip();
            String value = eq < 0 ? null : entry.substring(eq + 1).strip();
            if (!KEYS.contains(key)) {
                throw bad("unknown option '" + key + "'", args);
            }
            if (!seen.add(key)) {
                throw bad("option '" + key + "' given twice", args);
            }
            switch (key) {
                case "include" -> {
                    include = prefixes(value);
                    if (include.isEmpty()) throw bad("option 'include' needs at least one prefix", args);
                }
                case "exclude" -> exclude = prefixes(value);
                case "verbose" -> {
                    if (value == null || value.equalsIgnoreCase("true")) verbose = true;
                    else if (value.equalsIgnoreCase("false")) verbose = false;
                    else throw bad("option 'verbose' takes no value or true/false, not '" + value + "'", args);
                }
                default -> throw new AssertionError(key);
            }
        }
        return new AgentOptions(include, exclude, verbose);
    }

    /** Whether the class with this binary name (dots, e.g. {@code lazymm.example.LostUpdate}) gets yield points. */
    public boolean instruments(String binaryName) {
        return startsWithAny(binaryName, include)
                && !startsWithAny(binaryName, exclude)
                && !startsWithAny(binaryName, ALWAYS_EXCLUDED);
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        for (String p : prefixes) {
            if (name.startsWith(p)) return true;
        }
        return false;
    }

    private static List<String> prefixes(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) return out;
        for (String p : value.split(",")) {
            p = p.strip();
            if (!p.isEmpty()) out.add(p);
        }
        return out;
    }

    private static IllegalArgumentException bad(String what, String args) {
        return new IllegalArgumentException("lazymm-agent: " + what + " in agent arguments '" + args
                + "'; valid keys: " + String.join(", ", KEYS)
                + " (syntax: include=a.,b.;exclude=c.;verbose)");
    }
}
