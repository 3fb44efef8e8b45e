package lazymm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import lazymm.model.kernel.KernelFiles;
import org.junit.jupiter.api.Test;

/**
 * Every class of the kernel model that makes a shared access (a yield point the agent inserts)
 * says which kernel file its code follows, so that the race detector can tell what KCSAN would
 * see of each access ({@link KernelFiles}): a class without it would make its races unattributable.
 */
class KernelFileTest {

    @Test
    void everyKernelModelClassWithASharedAccessNamesItsKernelFile() throws Exception {
        InstrumentingLoader loader = new InstrumentingLoader(
                YieldAgent.transformer(AgentOptions.defaults()), "lazymm.model.", "lazymm.example.");
        TreeSet<String> siteClasses = new TreeSet<>();
        for (String name : ModelClassesTest.modelClassNames()) {
            if (!name.startsWith("lazymm.model.kernel.")) continue;
            Class.forName(name, false, loader);
            byte[] out = loader.transformed.get(name);
            if (out == null || out.length == 0) continue;
            for (String site : YieldPoints.sites(out)) {
                // a Memory primitive ("Core.contextSwitch:120 read"), not a Java field of a model object ("... read visible")
                String what = site.substring(site.indexOf(' ') + 1);
                if (!what.contains(" ")) siteClasses.add(site.substring(0, site.indexOf('.')));
            }
        }
        assertTrue(siteClasses.contains("Membarrier"), siteClasses.toString());
        List<String> missing = new ArrayList<>();
        for (String c : siteClasses) {
            if (KernelFiles.of(c) == null) missing.add(c);
        }
        assertEquals(List.of(), missing, "kernel-model classes with shared accesses but no @KernelFile: " + siteClasses);
    }
}
