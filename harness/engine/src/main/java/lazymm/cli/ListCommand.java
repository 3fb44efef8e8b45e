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
                + "must stay quiet)."})
final class ListCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        for (Target t : Catalog.targets()) {
            out.printf("target %s (model version %d)%n", t.id(), t.modelVersion());
            out.printf("  %-28s %-8s %-13s %-7s %-5s %-18s %s%n",
                    "VARIANT", "ARCH", "LAZY_TLB", "MEMORY", "CPUS", "EXPECTS", "WHAT");
            for (Variant v : t.variants()) {
                Config c = v.defaults();
                out.printf("  %-28s %-8s %-13s %-7s %-5d %-18s %s%n", v.id(), c.arch(), c.lazyTlb(),
                        c.memory(), c.cpus(), v.isBroken() ? v.expects() : "clean", v.summary());
            }
            out.println();
        }
        out.println("Strategies: random (default), pct, exhaustive.  Memory modes: sc, tso, weak.");
        return Main.OK;
    }
}
