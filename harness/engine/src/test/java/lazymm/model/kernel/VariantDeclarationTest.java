package lazymm.model.kernel;

import static lazymm.model.kernel.KernelVariant.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lazymm.model.sim.Expect;
import org.junit.jupiter.api.Test;

/** A variant is a declaration: what it has follows from its base and its patches, and what the kernel cannot have is refused. */
class VariantDeclarationTest {

    @Test
    void aMergedPatchIsInEveryBaseFromItsReleaseOnUnlessReverted() {
        KernelVariant today = variant("t", "today").build();
        assertTrue(today.has(Patch.X86_SWITCH_MB));
        assertFalse(today.has(Patch.HP_WARN), "a posting is in only where applied");
        KernelVariant v614 = variant("t", "6.14").base("v6.14").build();
        assertTrue(v614.has(Patch.SCHED_FORCE_INIT_MM));
        assertFalse(v614.has(Patch.X86_SWITCHING_FIRST), "fea4e317f9e7 came in v6.15");
        assertEquals(List.of(Patch.HOTPLUG_WORK_ON_CPU_REVERT, Patch.X86_SWITCHING_FIRST, Patch.X86_SWITCH_MB, Patch.LAZY_MMU_NEST, Patch.XEN_LAZY_MMU_STATE,
                Patch.XEN_LAZY_MMU_PREEMPT_FIX, Patch.SPARC_LAZY_MMU_PREEMPT, Patch.X86_SHOULD_FLUSH_SWITCHING), v614.without());
        assertFalse(Variants.X86_SWITCH_MB.has(Patch.X86_SWITCH_MB));
        assertTrue(Variants.X86_SWITCH_MB.has(Patch.X86_SWITCHING_FIRST));
    }

    @Test
    void whatTheKernelCannotHaveIsRefusedWithTheReason() {
        assertEquals("variant t: it reverts fea4e317f9e7 (v6.15), which its base v6.14 does not have",
                assertThrows(IllegalArgumentException.class,
                        () -> variant("t", "").base("v6.14").reverts(Patch.X86_SWITCHING_FIRST).build()).getMessage());
        assertEquals("variant t: it has 83b0177a6c48 without fea4e317f9e7, which 83b0177a6c48 changes: revert both, or neither",
                assertThrows(IllegalArgumentException.class,
                        () -> variant("t", "").reverts(Patch.X86_SWITCHING_FIRST).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> variant("t", "").reverts(Patch.HP_WARN).build()).getMessage().contains("never merged"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> variant("t", "").applies(Patch.PLANT_NO_MB_A).build()).getMessage().contains("a plant is for tests only"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> variant("t", "").arch(KernelVariant.CpuArch.ARM64).lazyTlb(LazyTlb.SHOOTDOWN).build()).getMessage()
                .contains("mm_cpumask"));
        // powerpc 64s selects MMU_LAZY_TLB_SHOOTDOWN since v6.4: no REFCOUNT there (membarrier --arch powerpc
        // once ran it, and sched_force_init_mm() dropped a reference a trim IPI had already dropped)
        assertEquals("variant t: it runs MMU_LAZY_TLB_REFCOUNT on powerpc 64s, which selects MMU_LAZY_TLB_SHOOTDOWN since v6.4 "
                        + "(the series of aa464ba9a1e4: a kernel before it refcounts)",
                assertThrows(IllegalArgumentException.class,
                        () -> variant("t", "").arch(KernelVariant.CpuArch.POWERPC).build()).getMessage());
        variant("t", "").arch(KernelVariant.CpuArch.POWERPC).reverts(Patch.LAZY_TLB_HELPERS, Patch.SCHED_FORCE_INIT_MM).build();
        variant("t", "").base("v6.1").arch(KernelVariant.CpuArch.POWERPC).build();
        // ... and no other arch of the model selects it
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> variant("t", "").lazyTlb(LazyTlb.SHOOTDOWN).build()).getMessage()
                .contains("MMU_LAZY_TLB_SHOOTDOWN on x86, which does not select it"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> variant("t", "").arch(KernelVariant.CpuArch.S390).lazyTlb(LazyTlb.SHOOTDOWN).build()).getMessage()
                .contains("MMU_LAZY_TLB_SHOOTDOWN on s390, which does not select it"));
        // a result row on powerpc runs the scheme the row's kernel would have
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> variant("t", "").lazyTlb(LazyTlb.REFCOUNT).result(KernelVariant.CpuArch.POWERPC, lazymm.model.sim.Expect.CLEAN, "w",
                        KernelVariant.Search.random(1, 1)).build()).getMessage()
                .contains("its result row powerpc: clean by random seed 1, 1 executions runs MMU_LAZY_TLB_REFCOUNT on powerpc 64s"));
        // a variant derived from today's kernel takes the arch's scheme, one that names its own keeps it
        assertEquals(LazyTlb.SHOOTDOWN.id, Variants.MEMBARRIER.config(new KernelVariant.Result(KernelVariant.CpuArch.POWERPC,
                lazymm.model.sim.Expect.CLEAN, "w", KernelVariant.Search.random(1, 1))).lazyTlb());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> variant("t", "").base("v7.9").build()).getMessage().contains("newer than the release the model follows"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> variant("t", "").applies(Patch.X86_SWITCH_MB).build()).getMessage().contains("already has"));
    }

    @Test
    void theHarnessSeesTheDeclarations() {
        KernelTarget t = new KernelTarget();
        assertEquals(Variants.listed().size(), t.variants().size());
        assertEquals(Expect.violation("StaleTlb"), Variants.X86_SWITCH_ORDER.toVariant().expect());
        assertEquals("under test", variant("t", "").expects(Expect.UNDER_TEST).build().toVariant().expect().toString());
        assertThrows(IllegalArgumentException.class, () -> Variants.byId("no-such-variant"));
    }
}
