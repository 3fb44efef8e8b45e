package lazymm.model.kernel;

/**
 * The s390 part of a variant ({@link KConfig#s390()}).
 *
 * @param pgalloc       which arch/s390/mm/pgalloc.c (v7.1.5's, d08d4e7cd6bf, unless a variant names an older one)
 * @param bhContextLock every user of mm->context.lock takes it with spin_lock_bh (Gerald Schaefer's
 *                      change in seed 002); false: __tlb_flush_mm_lazy takes it with spin_lock, as
 *                      every kernel does
 */
record S390Config(S390Pgalloc.Version pgalloc, boolean bhContextLock) {

    static final S390Config TODAY = new S390Config(S390Pgalloc.Version.V6_8, false);

    /** The s390 variants and what they run; every other variant runs today's code on s390. */
    static S390Config of(String variant) {
        return switch (variant) {
            case "s390-frag" -> new S390Config(S390Pgalloc.Version.V6_5, false);
            case "S390-FRAG-RACE" -> new S390Config(S390Pgalloc.Version.NO_TEMP_P, false);
            case "S390-ALLOC-P" -> new S390Config(S390Pgalloc.Version.ALLOC_NO_P, false);
            case "S390-BH-DEADLOCK" -> new S390Config(S390Pgalloc.Version.HUGH, false);
            case "s390-hugh-bh" -> new S390Config(S390Pgalloc.Version.HUGH, true);
            case "s390-pte-free-defer" -> new S390Config(S390Pgalloc.Version.V6_6, false);
            default -> TODAY;
        };
    }
}
