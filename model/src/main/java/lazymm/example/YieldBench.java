package lazymm.example;

import lazymm.model.sim.Config;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;

/**
 * A model that is nothing but yield points, for {@code lazymm bench}: every CPU increments its
 * own plain field {@code iterations} times, two yield points per increment (the load and the
 * store). Not in the catalog: it has no bug and no oracle.
 */
public final class YieldBench implements Target {

    private final int iterations;

    public YieldBench(int iterations) { this.iterations = iterations; }

    @Override public String id() { return "bench"; }

    @Override public int modelVersion() { return 1; }





    @Override
    public Instance create(Machine machine, Config cfg, Program program) {
        return new Counters(cfg.cpus(), iterations);
    }

    /** Yield points per CPU per execution. */
    public int yieldsPerCpu() { return 2 * iterations; }

    private static final class Counters implements Instance {
        private final int cpus;
        private final int iterations;
        private int c0;
        private int c1;

        Counters(int cpus, int iterations) {
            this.cpus = cpus;
            this.iterations = iterations;
        }

        @Override public int cpus() { return cpus; }

        @Override
        public void cpu(int cpu) {
            for (int i = 0; i < iterations; i++) {
                if (cpu == 0) {
                    c0 = c0 + 1;
                } else {
                    c1 = c1 + 1;
                }
            }
        }
    }
}
