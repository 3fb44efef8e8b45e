package lazymm.cli;

import java.util.concurrent.Callable;
import lazymm.model.Catalog;
import lazymm.model.sim.Config;
import lazymm.model.sim.Target;
import lazymm.model.sim.Variant;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"Lists the variants you can run, with the configuration each carries and what "
                + "it must produce (a violation kind for a positive control, 'clean' for one that "
                + "must stay quiet)."},
        footer = {"", "Exit codes: 0 listed, 2 bad usage, " + Main.EXIT_INTERNAL})
final class ListCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--patches",
            description = "Under each variant, what its kernel is: the base release, the patches it applies and reverts, and the modelled patches its base is too old to have.")
    boolean patches;

    @CommandLine.Option(names = "--mutants",
            description = "List the mutation benchmark's variants instead (MUT-*: today's kernel with one historical fix reverted; ./lazymm bench --mutants runs them).")
    boolean mutants;

    @CommandLine.Option(names = "--markdown",
            description = "Print the variants as a markdown table (the table of docs/VARIANTS.md, which a test keeps equal to this output).")
    boolean markdown;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        if (markdown) {
            out.print(markdown());
            out.flush();
            return Main.OK;
        }
        if (mutants) {
            out.printf("the mutation benchmark (model version %d): today's kernel with one real fix reverted each%n",
                    new lazymm.model.kernel.KernelTarget().modelVersion());
            for (var m : lazymm.model.kernel.Variants.mutants()) {
                Variant v = m.toVariant();
                out.printf("  %-24s %-8s %-20s %s%n", v.id(), v.defaults().arch(), v.expect(), v.summary());
                if (patches) {
                    for (String line : v.patches()) out.printf("  %-24s %s%n", "", line);
                }
            }
            out.flush();
            return Main.OK;
        }
        for (Target t : Catalog.targets()) {
            out.printf("target %s (model version %d)%n", t.id(), t.modelVersion());
            out.printf("  %-28s %-8s %-13s %-7s %-5s %-20s %s%n",
                    "VARIANT", "ARCH", "LAZY_TLB", "MEMORY", "CPUS", "EXPECTS", "WHAT");
            for (Variant v : t.variants()) {
                Config c = v.defaults();
                out.printf("  %-28s %-8s %-13s %-7s %-5d %-20s %s%n", v.id(), c.arch(), c.lazyTlb(),
                        c.memory(), c.cpus(), v.expect(), v.summary());
                if (patches) {
                    for (String line : v.patches()) out.printf("  %-28s %s%n", "", line);
                }
            }
            out.println();
        }
        out.println("Strategies: random (default), pct, exhaustive, swarm.  Memory modes: sc, tso, weak.");
        return Main.OK;
    }

    /** Every target's variants as one markdown table. */
    static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| variant | arch | lazy TLB | memory | CPUs | expects | what | kernel |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (Target t : Catalog.targets()) {
            for (Variant v : t.variants()) {
                Config c = v.defaults();
                b.append("| ").append(v.id()).append(" | ").append(c.arch()).append(" | ").append(c.lazyTlb()).append(" | ")
                        .append(c.memory()).append(" | ").append(c.cpus()).append(" | ").append(v.expect()).append(" | ")
                        .append(v.summary().replace("|", "\\|")).append(" | ")
                        .append(String.join("; ", v.patches()).replace("|", "\\|")).append(" |\n");
            }
        }
        return b.toString();
    }
}
