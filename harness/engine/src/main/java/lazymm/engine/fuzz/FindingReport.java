package lazymm.engine.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import lazymm.model.sim.Violation;

/**
 * What a fuzzing runner does with a violation, the same in a Jazzer worker ({@link FuzzEntry}) and
 * in the fuzz command's own JVM ({@link WarmStart}): the reproducer and input written at once,
 * then the {@link WorkerProtocol.Finding} message, the input minimized and rewritten, then the
 * {@link WorkerProtocol.Minimized} message. A reproducer that cannot be written goes out whole in an
 * {@link WorkerProtocol.Unwritten} message, for the command to print.
 */
final class FindingReport {

    /** How it ended: written (and minimized), or not written (the runner must stop: the messages say why). */
    enum Outcome { WRITTEN, UNWRITTEN, WRITE_FAILED }

    private FindingReport() {}

    /**
     * Reports a new signature's violation {@code r} of input {@code data}; {@code stats} sends the
     * runner's statistics (the executions up to the finding go out before it).
     */
    static Outcome report(FuzzTarget.Campaign campaign, Findings findings, FuzzTarget.Run r, byte[] data,
                          Map<String, Object> foundBy, int minimizeRuns, Runnable stats,
                          Consumer<WorkerProtocol.Message> send) {
        Violation v = r.violation();
        Path file = findings.fileFor(v);
        try {
            findings.write(r, data, foundBy);
            stats.run();
            send.accept(new WorkerProtocol.Finding(v.signature(), file));
            byte[] small = Minimizer.minimize(campaign, data, v.signature(), minimizeRuns);
            if (!Arrays.equals(small, data)) {
                FuzzTarget.Run again = FuzzTarget.run(campaign, small, null);
                foundBy.put("minimized_from_bytes", (long) data.length);
                findings.write(again, small, foundBy);
            }
            send.accept(new WorkerProtocol.Minimized(file, data.length, small.length));
            return Outcome.WRITTEN;
        } catch (Findings.Unwritable e) {  // the finding goes to the command itself, which prints it
            send.accept(new WorkerProtocol.Unwritten(v.signature(), e.file, e.getMessage(),
                    lazymm.engine.io.Json.write(e.reproducer.toJson(e.file))));
            return Outcome.UNWRITTEN;
        } catch (IOException e) {
            // the reproducer is there, its input (or its minimized rewrite) is not: the finding still counts
            if (Files.exists(file)) send.accept(new WorkerProtocol.Finding(v.signature(), file));
            send.accept(new WorkerProtocol.ErrorMessage("cannot write the finding " + v.signature() + ": " + e.getMessage()));
            return Outcome.WRITE_FAILED;
        }
    }
}
