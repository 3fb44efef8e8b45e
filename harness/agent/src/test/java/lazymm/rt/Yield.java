package lazymm.rt;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST-ONLY stand-in for the engine's hook (harness/engine has the real {@code lazymm.rt.Yield}):
 * the instrumented fixtures call {@link #point}, which only counts the calls per site.
 */
public final class Yield {

    private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();

    private Yield() {}

    /** The hook the agent emits a call to, before every shared access. */
    public static void point(String site) {
        COUNTS.computeIfAbsent(site, s -> new AtomicInteger()).incrementAndGet();
    }

    public static void reset() { COUNTS.clear(); }

    /** Calls per site so far, sorted by site. */
    public static Map<String, Integer> counts() {
        Map<String, Integer> out = new TreeMap<>();
        COUNTS.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public static int total() {
        return COUNTS.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
