package lazymm.cli;

import java.io.PrintWriter;
import lazymm.engine.BadInput;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code ./lazymm <command>}. Exit codes for every command: 0 nothing found,
 * 1 a violation found or reproduced, 2 bad usage or bad input (one line that names the problem),
 * 3 an internal error (a bug in lazymm, or the JVM out of memory or stack: never read as a
 * finding nor as the user's mistake).
 */
@Command(name = "lazymm",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        subcommands = {FuzzCommand.class, ExploreCommand.class, ReplayCommand.class, MinimizeCommand.class, ListCommand.class,
                BenchCommand.class, LitmusCommand.class, ProbeCommand.class, CommandLine.HelpCommand.class},
        description = {
                "Finds concurrency bugs in the Linux kernel's lazy-mm, membarrier and TLB-flush "
                        + "code by running a Java model of it under a deterministic scheduler.",
                "",
                "Start with:  ./lazymm list                      (the variants you can run)",
                "             ./lazymm explore --variant ID      (search for a violation)",
                "             ./lazymm replay FILE               (re-run a reproducer, with its trace)",
                "             ./lazymm minimize FILE             (shrink a reproducer to a 1-minimal one)",
                "             ./lazymm litmus FILE...            (check the simulated memory on litmus tests)",
                "             ./lazymm probe ID                  (show a finding on this machine's real kernel)"},
        footer = {"", Main.EXIT_CODES, "probe also has 4 cannot run here, 5 inconclusive."})
public final class Main implements Runnable {

    public static final int OK = 0;
    public static final int VIOLATION = 1;
    public static final int USAGE = 2;
    /** A bug in lazymm or a JVM error (out of memory, stack overflow): neither a finding nor bad input. */
    public static final int INTERNAL = 3;

    /** The exit codes, as every command's --help ends. */
    static final String EXIT_CODES = "Exit codes: 0 nothing found, 1 violation found or reproduced, 2 bad usage or input "
            + "(one line that says what to change), " + Main.EXIT_INTERNAL;
    /** How every command's --help ends its exit codes (MainTest checks that each has it). */
    static final String EXIT_INTERNAL = "3 internal error (a bug in lazymm, or the JVM out of memory: please report it "
            + "with the command line).";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return execute(new CommandLine(new Main()), args, out, err);
    }

    /** Runs {@code cl} (the command line, or one a test extends) with the exit codes and error lines of every command. */
    static int execute(CommandLine cl, String[] args, PrintWriter out, PrintWriter err) {
        cl.setUsageHelpWidth(120);  // the examples are command lines: do not fold them
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            if (ex.getCause() instanceof Mixins.BadValue bad) {  // our own check of a value: its line says it all
                err.println("lazymm: error: " + bad.getMessage());
                return USAGE;
            }
            String sub = ex.getCommandLine().getCommandName();
            err.println("lazymm: error: " + ex.getMessage().replace('\n', ' ').trim()
                    + " (see ./lazymm " + ("lazymm".equals(sub) ? "" : sub + " ") + "--help)");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof BadInput) {
                err.println("lazymm: error: " + ex.getMessage());
                return USAGE;
            }
            return internalError(ex, err);
        });
        try {
            return cl.execute(args);
        } catch (StackOverflowError | OutOfMemoryError | RuntimeException ex) {  // what picocli lets through
            return internalError(ex, err);
        }
    }

    /**
     * An internal error: exit 3, never 1 (a finding) nor 2 (the user's mistake). The JVM's own
     * errors are one line (their stack says nothing the input does not); a bug gets its stack.
     */
    static int internalError(Throwable ex, PrintWriter err) {
        if (ex instanceof VirtualMachineError) {
            err.println("lazymm: internal error: the JVM ran out of " + (ex instanceof StackOverflowError ? "stack" : "memory")
                    + " (" + ex + "): an input lazymm does not bound, please report it with the command line");
        } else {
            err.println("lazymm: internal error (a bug in lazymm, please report it with the command line):");
            ex.printStackTrace(err);
        }
        err.flush();
        return INTERNAL;
    }

    /** The version line. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"lazymm " + (v == null ? "(development build)" : v)};
        }
    }
}
