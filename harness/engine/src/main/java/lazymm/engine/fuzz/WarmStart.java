package lazymm.engine.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import lazymm.model.sim.Violation;

/**
 * The fuzz command's own runner, in its JVM, while the first Jazzer worker starts (a worker JVM
 * takes seconds before its first execution: Jazzer's agent, its class-path scan, its
 * instrumentation). It runs the inputs the worker would begin with, the kept corpus and the seeds,
 * smallest first as libFuzzer does, then inputs generated as a worker generates them (a random program under a
 * PCT, random-walk or swarm schedule), until {@link #stop()}: the command stops it when the worker
 * reports its first execution, so that it never competes with the workers for the cores.
 *
 * <p>No coverage and no interleaving feedback here (nothing to feed them to); a finding is written,
 * reported and minimized exactly as a worker does it ({@link FindingReport}), with
 * {@code found_by.worker = "command"}. For the easy bugs, and for a kernel developer re-running
 * the corpus after a change, the first verdict then comes at the command's own start-up time.
 */
public final class WarmStart implements Runnable {

    /** The worker id its messages carry. */
    public static final int ID = -1;

    private final FuzzTarget.Campaign campaign;
    private final Findings findings;
    private final List<Path> inputs;
    private final lazymm.engine.SplitMix64 generator;
    private final int minimizeRuns;
    private final boolean keepGoing;
    private final Consumer<WorkerProtocol.Message> send;
    private volatile boolean stopped;
    private volatile long execs;
    private volatile long firstExecutionNanos;
    private int findingsCount;

    /**
     * @param dirs the directories whose files are run first (missing ones are skipped)
     * @param seed the generated inputs' seed
     * @param send where the messages go (the command's event queue)
     */
    public WarmStart(FuzzTarget.Campaign campaign, Path out, List<Path> dirs, long seed, int minimizeRuns,
                     boolean keepGoing, Consumer<WorkerProtocol.Message> send) throws IOException {
        this.campaign = campaign;
        this.findings = new Findings(campaign, out);
        this.inputs = files(dirs);
        this.generator = new lazymm.engine.SplitMix64(seed ^ 0x7761726d73746172L);
        this.minimizeRuns = minimizeRuns;
        this.keepGoing = keepGoing;
        this.send = send;
    }

    /**
     * The files of {@code dirs}, smallest first (then by name), as libFuzzer runs an initial corpus:
     * a kept crasher is minimized, so it comes early.
     */
    private static List<Path> files(List<Path> dirs) throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path d : dirs) {
            if (d == null || !Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                s.filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().startsWith("README"))
                        .forEach(all::add);
            }
        }
        all.sort(java.util.Comparator.comparingLong(WarmStart::size).thenComparing(Path::toString));
        return all;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Ends the run after the execution in progress (and its minimization, if it found something). */
    public void stop() { stopped = true; }

    /** The executions so far. */
    public long executions() { return execs; }

    /** {@link System#nanoTime()} when the first execution ended, 0 before. */
    public long firstExecutionNanos() { return firstExecutionNanos; }

    @Override
    public void run() {
        for (Path p : inputs) {
            if (stopped) return;
            byte[] data;
            try {
                data = Files.readAllBytes(p);
            } catch (IOException e) {
                continue;  // a corpus file that went away (a worker's -reduce_inputs): the worker has the rest
            }
            if (!one(data, false)) return;
        }
        while (!stopped) {
            if (!one(FuzzEntry.generated(generator), true)) return;
        }
    }

    /** One input; false when the run must end (a finding and not --keep-going, or a finding not written). */
    private boolean one(byte[] data, boolean generated) {
        FuzzTarget.Run r = FuzzTarget.run(campaign, data, null);
        execs++;
        if (firstExecutionNanos == 0) firstExecutionNanos = System.nanoTime();
        Violation v = r.violation();
        if (v == null || !findings.isNew(v)) return true;
        findingsCount++;
        Map<String, Object> foundBy = new LinkedHashMap<>();
        foundBy.put("worker", "command");
        foundBy.put("execution", execs);
        foundBy.put("feedback", "none");
        if (generated) foundBy.put("generated", true);
        FindingReport.Outcome o = FindingReport.report(campaign, findings, r, data, foundBy, minimizeRuns,
                () -> send.accept(new WorkerProtocol.Stats(execs, 0, findingsCount)), send);
        return o == FindingReport.Outcome.WRITTEN && keepGoing;
    }
}
