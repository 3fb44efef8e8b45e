package lazymm.cli;

import java.io.PrintWriter;
import lazymm.engine.BadInput;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code ./lazymm <command>}. Exit codes for every command: 0 nothing found,
 * 1 a violation found or reproduced, 2 bad usage or bad input (one line that names the problem).
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
        footer = {"", "Exit codes: 0 nothing found, 1 violation found or reproduced, 2 bad usage or input; "
                + "probe also has 3 cannot run here, 4 inconclusive."})
public final class Main implements Runnable {

    public static final int OK = 0;
    public static final int VIOLATION = 1;
    public static final int USAGE = 2;

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
        CommandLine cl = new CommandLine(new Main());
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
            err.println("lazymm: internal error (a bug in lazymm, please report it with the command line):");
            ex.printStackTrace(err);
            return USAGE;
        });
        return cl.execute(args);
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
