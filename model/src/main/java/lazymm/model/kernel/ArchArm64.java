package lazymm.model.kernel;

/**
 * arm64 (v7.1.5): arch/arm64/include/asm/mmu_context.h (switch_mm, __switch_mm, enter_lazy_tlb,
 * cpu_switch_mm), the ASID allocator of arch/arm64/mm/context.c ({@link Arm64Asid}), the TLB
 * maintenance of arch/arm64/include/asm/tlbflush.h and tlb.h (flush_tlb_mm, __flush_tlb_range,
 * tlb_flush: broadcast TLBI between DSBs, no IPIs), each CPU's MMU ({@link Arm64Tlb}), and the
 * dsb(ish) of __switch_to (arch/arm64/kernel/process.c), the full barrier membarrier relies on.
 *
 * <p>mm_cpumask: arm64 never sets or clears a bit. An iterator over mm_cpumask finds nothing
 * there (HP-CPUMASK).
 *
 * <p>Left out: TTBR0 SW-PAN (update_saved_ttbr0; enter_lazy_tlb does nothing else, so a lazy CPU
 * keeps the user tables in TTBR0 and its walker may use them), CnP, KPTI, the MTE / MPAM / SCTLR
 * parts of __switch_to, the DVM sync of SME, the errata workarounds (REPEAT_TLBI), batched
 * reclaim flushes (arch_tlbbatch_*).
 */
@KernelFile("arch/arm64/include/asm/mmu_context.h")
final class ArchArm64 extends Arch {

    final Arm64Asid asid;

    ArchArm64(Kernel k) {
        super(k);
        this.asid = new Arm64Asid(k);
    }

    @Override String name() { return "arm64"; }

    private Arm64Tlb tlb() { return asid.tlb(k.smpProcessorId()); }

    /** switch_mm(prev, next, tsk) (the generic switch_mm_irqs_off is switch_mm). */
    @Override
    void switchMmIrqsOff(MmStruct prev, MmStruct next, TaskStruct tsk) {
        if (prev != next) __switchMm(next);
        // update_saved_ttbr0(tsk, next): SW-PAN, left out
    }

    private void __switchMm(MmStruct next) {
        /*
         * init_mm.pgd does not contain any user mappings and it is always
         * active for kernel addresses in TTBR1. Just set the reserved TTBR0.
         */
        if (next == k.initMm) {
            k.thisRq().hwMm = k.initMm;  // cpu_set_reserved_ttbr0(): the ASID in TTBR1 stays
            return;
        }
        int ctx = asid.checkAndSwitchContext(next);
        cpuSwitchMm(next, ctx);
    }

    /** cpu_switch_mm(mm->pgd, mm) -> cpu_do_switch_mm(): ASID(mm) into TTBR1, the pgd into TTBR0, isb(). */
    private void cpuSwitchMm(MmStruct mm, int ctx) {
        int hwAsid = asid.asidOf(mm);  // ASID(mm): mm->context.id read again
        tlb().setAsid(k, hwAsid, ctx, asid.asidMask());
        k.thisRq().hwMm = mm;
    }

    /** secondary_start_kernel() -> cpu_uninstall_idmap(): the reserved TTBR0, local_flush_tlb_all(). */
    @Override
    void cpuInitMm(TaskStruct idle) {
        k.thisRq().hwMm = k.initMm;  // cpu_set_reserved_ttbr0()
        asid.localFlushTlbAll();
    }

    /**
     * __switch_to(): "Complete any pending TLB or cache maintenance on this CPU in case the
     * thread migrates to a different CPU. This full barrier is also required by the membarrier
     * system call."
     */
    @Override
    void switchTo(TaskStruct prev, TaskStruct next) {
        if (!k.kc.has(Patch.PLANT_NO_SWITCH_TO_DSB)) k.mem.smpMb();  // dsb(ish): membarrier (e) when switch_mm changed mm; pairs with: membarrier's smp_mb() (a); PATCH: plant-no-switch-to-dsb
    }

    @Override
    void checkStep() { asid.checkStep(); }

    // ---- user accesses ----

    @Override
    UserPage translate(MmStruct mm, int va) { return tlb().translate(k, mm, va); }

    @Override
    void checkUsed(UserPage p, int va) { tlb().checkUsed(k, p, va); }

    @Override
    void speculativeWalk(int va) {
        boolean was = k.localIrqSave();  // part of one instruction: interrupts come before or after it
        Rq rq = k.thisRq();
        if (rq.hwMm != k.initMm) tlb().speculativeWalk(k, rq.hwMm, va);
        k.localIrqRestore(was);
    }

    // ---- TLB maintenance (broadcast, no IPIs) ----

    /**
     * tlb_flush(tlb) (asm/tlb.h): a full-mm teardown flushes only when it freed page tables
     * ("the ASID allocator won't reallocate our ASID without invalidating the entire TLB");
     * otherwise __flush_tlb_range() of the range, leaf-only unless tables were freed.
     */
    @Override
    String flushTlbMmRange(MmStruct mm, long start, long end, boolean freedTables) {
        String what;
        if (end == TLB_FLUSH_ALL) {  // tlb->fullmm
            if (!freedTables) return "no flush (fullmm, no tables freed) of " + mm;
            flushTlbMm(mm);
            what = "flush_tlb_mm(" + mm + ")";
        } else {
            // __flush_tlb_range(): two pages, far below MAX_DVM_OPS; TLBF_NOWALKCACHE unless tables go
            boolean lastLevel = !freedTables;
            k.mem.smpMb();  // dsb(ishst): the PTE clears complete before anything after it executes; pairs with: the table walkers' reads
            int a = asid.asidOf(mm);  // ASID(mm)
            for (long va = start; va < end; va++) tlbiBroadcast(a, (int) va, lastLevel);  // __tlbi(vae1is / vale1is)
            for (long va = start; va < end; va++) tlbiComplete(a, (int) va);
            k.mem.smpMb();  // __tlbi_sync_s1ish(): dsb(ish), the TLBIs have completed on every CPU
            what = "__flush_tlb_range(" + mm + ", " + start + ".." + end + (lastLevel ? ", last level" : "") + ", ASID " + a + ")";
        }
        return what + " of " + k.current() + " on cpu" + k.smpProcessorId();
    }

    /** flush_tlb_mm(mm): dsb(ishst); __tlbi(aside1is, ASID(mm)); dsb(ish). */
    private void flushTlbMm(MmStruct mm) {
        k.mem.smpMb();  // dsb(ishst): the page-table stores complete before the TLBI (and any later load); pairs with: the table walkers' reads
        int a = asid.asidOf(mm);
        tlbiBroadcast(a, -1, false);
        tlbiComplete(a, -1);
        k.mem.smpMb();  // __tlbi_sync_s1ish(): dsb(ish)
    }

    /** A TLBI ...IS: every CPU's TLB (va -1: the whole ASID). */
    private void tlbiBroadcast(int a, int va, boolean lastLevel) {
        boolean local = k.kc.has(Patch.PLANT_NO_TLBI_BROADCAST);  // PATCH: plant-no-tlbi-broadcast: the TLBI reaches this CPU only
        for (int c = 0; c < k.cpus(); c++) {
            if (local && c != k.smpProcessorId()) continue;
            Arm64Tlb t = asid.tlb(c);
            if (va < 0) t.invalidateAsid(a); else t.invalidateVa(a, va, lastLevel);
        }
    }

    /**
     * The DSB after a TLBI waits for its completion: for every access another CPU has under way
     * through an entry the TLBI removed (the access is one instruction; it completes).
     */
    private void tlbiComplete(int a, int va) {
        int me = k.smpProcessorId();
        for (int c = 0; c < k.cpus(); c++) {
            if (c == me) continue;
            Arm64Tlb t = asid.tlb(c);
            k.m.await(() -> !t.accessInFlight(a, va), "dsb(ish): cpu" + c + "'s access through ASID " + a);
        }
    }

    /** The arch does not override for_each_possible_lazymm_cpu: online CPUs. */
}
