package lazymm.model.kernel;

import static lazymm.model.kernel.KernelVariant.variant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.kernel.KernelVariant.CpuArch;
import lazymm.model.kernel.KernelVariant.CpuFeature;
import lazymm.model.sim.Config;
import org.junit.jupiter.api.Test;

/**
 * The global ASID allocator of arch/x86/mm/tlb.c as {@link X86Invlpgb.GlobalAsidSpace} runs it
 * (global ASIDs 6 to 9 in the model, MAX_ASID_AVAILABLE 10, three available), driven one
 * use_global_asid() / mm_free_global_asid() at a time as the kernel's callers would, holding
 * global_asid_lock; and the declaration rules of X86_FEATURE_INVLPGB.
 */
class X86GlobalAsidSpaceTest {

    /** One allocator and the rollovers it did, with use_global_asid()'s test of global_asid_available. */
    private static final class Allocator {
        final X86Invlpgb.GlobalAsidSpace space = new X86Invlpgb.GlobalAsidSpace();
        int rollovers;

        /** use_global_asid(): 0 when none is available (the VM_WARN_ONCE "Ran out of global ASIDs"). */
        int use() {
            if (space.globalAsidAvailable == 0) return 0;
            int asid = space.allocate(() -> {
                rollovers++;  // reset_global_asid_space(): invlpgb_flush_all_nonglobals() here
                space.reset();
            }, true);
            assertTrue(asid > 0, "allocate_global_asid's \"This should never happen\": nothing found and none available");
            return asid;
        }

        void free(int asid) { space.free(asid, false); }
    }

    @Test
    void theFirstAllocationRollsOverAndFreedAsidsWaitForTheNextRollover() {
        Allocator a = new Allocator();
        assertEquals(6, a.use());
        assertEquals(1, a.rollovers, "last_global_asid starts at MAX_ASID_AVAILABLE");
        assertEquals(7, a.use());
        a.free(6);
        assertEquals(8, a.use(), "6 is freed but stays in global_asid_used until the rollover's flush");
        a.free(7);
        assertEquals(9, a.use());
        assertEquals(1, a.rollovers);
        a.free(8);
        assertEquals(6, a.use(), "last_global_asid reached MAX_ASID_AVAILABLE - 1: flush, then 6 again");
        assertEquals(2, a.rollovers);
    }

    /**
     * When the search from last_global_asid finds no zero bit below MAX_ASID_AVAILABLE while
     * some ASIDs wait freed for the rollover, allocate_global_asid() hands out
     * MAX_ASID_AVAILABLE itself ("asid >= MAX_ASID_AVAILABLE && !global_asid_available" lets it
     * through); the next rollover drops that bit while its mm lives, and the next such search
     * hands it out again: two live processes with one global ASID, PCID 4095 on the real machine.
     */
    @Test
    void anOverflowingSearchHandsOutMaxAsidAvailableToTwoLiveProcesses() {
        Allocator a = new Allocator();
        List<Integer> live = new ArrayList<>();
        int max = X86Invlpgb.MAX_ASID_AVAILABLE;
        int mmA = a.use(), mmB = a.use(), mmC = a.use();  // 6, 7, 8: none left
        assertEquals(List.of(6, 7, 8), List.of(mmA, mmB, mmC));
        a.free(mmA);
        int mmD = a.use();  // 9
        a.free(mmB);
        int mmE = a.use();  // rollover: 6
        a.free(mmC);
        int mmF = a.use();  // 7
        a.free(mmE);
        int mmG = a.use();  // 7, 8 (freed), 9 all set: the search returns MAX_ASID_AVAILABLE
        assertEquals(List.of(9, 6, 7, max), List.of(mmD, mmE, mmF, mmG));
        live.add(mmG);
        a.free(mmF);
        int mmH = a.use();  // rollover: bitmap_andnot() over MAX_ASID_AVAILABLE bits clears bit 10 too
        a.free(mmD);
        int mmI = a.use();
        a.free(mmH);
        int mmJ = a.use();
        a.free(mmI);
        int mmK = a.use();  // 8 (mmJ) and 9 (freed) set: MAX_ASID_AVAILABLE again
        assertEquals(List.of(6, 7, 8, max), List.of(mmH, mmI, mmJ, mmK));
        live.add(mmK);
        assertEquals(List.of(max, max), live, "mmG was never freed: two live mms under global ASID " + max);
        assertEquals(3, a.rollovers);
    }

    @Test
    void invlpgbIsX86Only() {
        assertEquals("variant t: it has X86_FEATURE_INVLPGB, which only x86 has, on arm64",
                assertThrows(IllegalArgumentException.class,
                        () -> variant("t", "").arch(CpuArch.ARM64).features(CpuFeature.X86_FEATURE_INVLPGB).build()).getMessage());
        assertEquals("variant upstream-invlpgb has X86_FEATURE_INVLPGB, which only x86 has: run it with --arch x86 (or run upstream on powerpc)",
                assertThrows(IllegalArgumentException.class,
                        () -> KConfig.of(new Config("upstream-invlpgb", "powerpc", "shootdown", "weak", 3))).getMessage());
        assertTrue(KConfig.of(Variants.UPSTREAM_INVLPGB.toVariant().defaults()).has(CpuFeature.X86_FEATURE_INVLPGB));
        assertTrue(!KConfig.of(Variants.UPSTREAM.toVariant().defaults()).has(CpuFeature.X86_FEATURE_INVLPGB));
        assertTrue(Variants.UPSTREAM_INVLPGB.lineage().contains("with X86_FEATURE_INVLPGB"));
    }
}
