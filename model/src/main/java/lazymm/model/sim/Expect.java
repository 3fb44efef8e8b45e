package lazymm.model.sim;

/**
 * The outcome a variant must have, as a jcstress outcome or an LKMM {@code Result:} line says it:
 * clean (no report: a false alarm on it is as bad as a missed bug), a violation of one kind (a
 * positive control, which the search must find), or under test (a new variant whose outcome is
 * what the run is for: neither a report nor silence is a failure of the tool).
 *
 * @param kind      which of the three
 * @param violation the violation kind for {@link Kind#VIOLATION}, else null
 */
public record Expect(Kind kind, String violation) {

    /** The three outcomes. */
    public enum Kind { CLEAN, VIOLATION, UNDER_TEST }

    public static final Expect CLEAN = new Expect(Kind.CLEAN, null);
    public static final Expect UNDER_TEST = new Expect(Kind.UNDER_TEST, null);

    public Expect {
        if ((kind == Kind.VIOLATION) != (violation != null && !violation.isBlank())) {
            throw new IllegalArgumentException("an expected violation names its kind, and only a violation does");
        }
    }

    /** A positive control: the search must find a violation of this kind. */
    public static Expect violation(String kind) { return new Expect(Kind.VIOLATION, kind); }

    /** What {@code list} prints: {@code clean}, the violation kind, or {@code under test}. */
    @Override
    public String toString() {
        return switch (kind) {
            case CLEAN -> "clean";
            case VIOLATION -> violation;
            case UNDER_TEST -> "under test";
        };
    }
}
