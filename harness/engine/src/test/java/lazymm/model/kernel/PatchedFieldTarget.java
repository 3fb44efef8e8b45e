package lazymm.model.kernel;

import java.util.List;
import java.util.random.RandomGenerator;
import lazymm.model.mem.RefVar;
import lazymm.model.sim.Config;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;
import lazymm.model.sim.Variant;

/**
 * A test fixture: the kernel model as a patch might leave it, with one pointer field the
 * oracles have never heard of. With {@code plant}, boot sets {@code rq0->cached_mm} to the mm of
 * group 1 and nothing ever clears it (a cache the patch forgets to invalidate in __mmdrop): once
 * that mm is freed, the field names a freed mm. Without, the kernel is the plain model.
 */
public final class PatchedFieldTarget implements Target {

    private final KernelTarget base = new KernelTarget();
    private final boolean plant;

    public PatchedFieldTarget(boolean plant) { this.plant = plant; }

    @Override public String id() { return base.id(); }

    @Override public int modelVersion() { return base.modelVersion(); }

    @Override public List<Variant> variants() { return base.variants(); }

    @Override public Program defaultProgram(Config cfg) { return base.defaultProgram(cfg); }

    @Override public Program randomProgram(Config cfg, RandomGenerator rnd) { return base.randomProgram(cfg, rnd); }

    @Override public String validate(Config cfg, Program program) { return base.validate(cfg, program); }

    @Override public List<String> arches() { return base.arches(); }

    @Override public Config onArch(Config cfg, String arch) { return base.onArch(cfg, arch); }

    @Override
    public Instance create(Machine machine, Config cfg, Program program) {
        Kernel k = new Kernel(machine, cfg, program);
        if (plant && k.groupMm.size() > 1) {
            RefVar<MmStruct> cachedMm = k.mem.refVar(k.rqs[0], "rq0.cached_mm", k.groupMm.get(1));
            k.mem.knownRace(cachedMm);  // never accessed: only the oracles look at it
        }
        return k;
    }
}
