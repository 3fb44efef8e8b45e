package lazymm.engine.fuzz;

import com.code_intelligence.jazzer.api.Jazzer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import lazymm.model.sim.Violation;

/**
 * The fuzz target that {@code ./lazymm fuzz} runs under Jazzer's standalone driver, one per worker
 * JVM. It is configured by system properties ({@link WorkerProtocol.WorkerConfig}, set by the fuzz command),
 * runs each input through {@link FuzzTarget}, gives the interleaving features to Jazzer
 * ({@link Jazzer#exploreState}), and reports to the fuzz command on standard error with
 * {@link WorkerProtocol.Message} lines: statistics every second, each finding as soon as its files are
 * written, and its minimized input.
 *
 * <p>A violation is written (reproducer and input) before anything else happens. Then, unless
 * the campaign keeps going, it is thrown so that Jazzer stops this worker; with
 * {@code keep_going}, the input returns normally and a signature seen before is not written again.
 */
public final class FuzzEntry {

    /** Jazzer's state ids for our features: 4096 ids of 32 counters each, one counter per feature. */
    static final int ID_BASE = 0x4c5a0000;
    static final int IDS = 4096;

    private static FuzzTarget.Campaign campaign;
    private static Findings findings;
    private static boolean keepGoing;
    private static boolean feedback;
    private static FuzzStrategy.Features kinds;
    private static int minimizeRuns;
    private static int generate;
    private static lazymm.engine.SplitMix64 generator;
    private static String worker;
    private static PrintStream report;
    private static long execs;
    private static long lastStats;
    private static int findingsCount;
    private static final BitSet FEATURES = new BitSet(1 << 17);
    private static int featureCount;

    /** Thrown to end a worker at its first finding (Jazzer saves the input as a crash). */
    public static final class Finding extends RuntimeException {
        Finding(String message) { super(message, null, false, true); }
    }

    private FuzzEntry() {}

    public static void fuzzerInitialize() {
        WorkerProtocol.WorkerConfig w = WorkerProtocol.WorkerConfig.fromSystemProperties();
        campaign = w.campaign();
        findings = new Findings(campaign, w.out());
        keepGoing = w.keepGoing();
        feedback = w.feedback() != WorkerProtocol.Feedback.NONE;
        kinds = feedback ? w.feedback().features() : FuzzStrategy.Features.CONFLICTS;
        minimizeRuns = w.minimizeRuns();
        generate = Math.max(0, w.generate());
        generator = new lazymm.engine.SplitMix64(w.seed() ^ 0x67656e6572617465L);
        worker = String.valueOf(w.worker());
        report = System.err;
        if (w.watchParent()) watchParent();
        lastStats = System.nanoTime();
    }

    /** When the fuzz command's end of our standard input closes (it died), this worker ends too. */
    private static void watchParent() {
        Thread t = new Thread(() -> {
            try {
                InputStream in = System.in;
                while (in.read() >= 0) {
                    // nothing is sent; we only wait for the end of the stream
                }
            } catch (IOException ignored) {
                // the same as the end of the stream
            }
            Runtime.getRuntime().halt(0);
        }, "lazymm-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    /**
     * One of Jazzer's inputs, then {@code generate} inputs generated here. Coverage guidance keeps
     * and mutates the inputs that reached something new, and libFuzzer's mutations of short inputs
     * are mostly structured (runs of 0x00 and 0xff, copied parts), which turn into a few extreme
     * programs; a generated input is uniformly random bytes of a short length, which decodes into
     * a random program under a PCT, random-walk or swarm schedule (FuzzTarget), the sampling that
     * explore does. Measured on the mutation benchmark (docs/DESIGN.md, "Generated inputs beside
     * Jazzer's"). A generated input reports no features to Jazzer (they would be credited to
     * Jazzer's input, which did not reach them); its finding is written with its own bytes, which
     * replay it exactly (Jazzer's crash file then holds Jazzer's input, not the finding's).
     */
    public static void fuzzerTestOneInput(byte[] data) {
        one(data, feedback ? FuzzEntry::feature : null, false);
        for (int i = 0; i < generate; i++) one(generated(), null, true);
    }

    /** A generated input: 2 to 41 bytes, each uniform. */
    static byte[] generated() {
        return generated(generator);
    }

    static byte[] generated(lazymm.engine.SplitMix64 g) {
        byte[] in = new byte[2 + g.nextInt(40)];
        for (int i = 0; i < in.length; i++) in[i] = (byte) g.nextInt(256);
        return in;
    }

    private static void one(byte[] data, java.util.function.IntConsumer sink, boolean generatedHere) {
        FuzzTarget.Run r = FuzzTarget.run(campaign, data, sink, kinds);
        execs++;
        if (execs == 1) stats();  // the command learns when this worker's first execution ended
        if ((execs & 63) == 0) {
            long now = System.nanoTime();
            if (now - lastStats >= 1_000_000_000L) {
                lastStats = now;
                stats();
            }
        }
        Violation v = r.violation();
        if (v == null) return;
        if (findings.isNew(v)) {
            findingsCount++;
            Path file = findings.fileFor(v);
            Map<String, Object> foundBy = new LinkedHashMap<>();
            foundBy.put("worker", worker);
            foundBy.put("execution", execs);
            foundBy.put("feedback", feedback ? kinds.name().toLowerCase(java.util.Locale.ROOT) : "none");
            if (generatedHere) foundBy.put("generated", true);
            switch (FindingReport.report(campaign, findings, r, data, foundBy, minimizeRuns, FuzzEntry::stats, FuzzEntry::send)) {
                case WRITTEN -> { }
                case UNWRITTEN, WRITE_FAILED -> Runtime.getRuntime().halt(2);
            }
            stats();
            if (!keepGoing) throw new Finding(v.signature() + " (reproducer: " + file + ")");
        }
    }

    private static void stats() {
        send(new WorkerProtocol.Stats(execs, featureCount, findingsCount));
    }

    private static void send(WorkerProtocol.Message m) {
        report.println(m.line());
        report.flush();
    }

    /** One feature: counter {@code (h >>> 12) & 31} of state id {@code ID_BASE + (h & 4095)}. */
    static void feature(int h) {
        int slot = h & ((1 << 17) - 1);  // the id and counter bits: what Jazzer tells apart
        if (!FEATURES.get(slot)) {
            FEATURES.set(slot);
            featureCount++;
        }
        int counter = (h >>> 12) & 31;
        Jazzer.exploreState((byte) (counter << 3), ID_BASE + (h & (IDS - 1)));
    }
}
